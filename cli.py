"""vungxanh command line: parse arguments, call the same functions as the dashboard.

Exit codes: 0 success, 1 input rejected, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

EXIT_OK, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class UsageError(Exception):
    """A bad argument value that argparse cannot see (exit 2)."""


def today_vn() -> dt.date:
    """Today in Vietnam: SPEC refuses dates after this one."""
    return dt.datetime.now(VN_TZ).date()


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 1, got {value}")
    return value


def make_progress(stream=sys.stderr):
    """A progress callback: a bar on a terminal, silent otherwise (logs, pipes, CI)."""
    if not stream.isatty():
        return None

    def progress(done: int, total: int, label: str = "") -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r{label[:30]:<30} [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return progress


# ---- commands -------------------------------------------------------------------


def cmd_import_boundaries(args, store, policy) -> int:
    from data.ingest.boundaries import import_boundaries
    from geo.boundaries.read import BoundaryError

    try:
        summary = import_boundaries(store, args.file, crs=args.crs, level=args.level,
                                    actor=_actor(args))
    except BoundaryError as exc:
        _print_problems(f"{args.file}: refused, nothing stored", exc.problems, args.lang)
        return EXIT_REJECTED
    unit = summary.level + "s"
    pop = "" if summary.population is None else f", population {summary.population:,}"
    print(f"{args.file}: {summary.features} {unit} from {summary.source_crs}: "
          f"{summary.inserted.get(unit, 0)} new, {summary.updated.get(unit, 0)} updated{pop}")
    for r in summary.repairs:
        print(f"  repaired {r.code} at {r.where[0]:.6f},{r.where[1]:.6f}: "
              f"{r.area_before_m2:,.1f} m² → {r.area_after_m2:,.1f} m²")
    if summary.ignored_columns:
        print(f"  ignored columns: {', '.join(summary.ignored_columns)}")
    return EXIT_OK


def cmd_import_blocks(args, store, policy) -> int:
    from data.ingest.blocks import BlocksError, import_blocks_csv

    try:
        summary = import_blocks_csv(store, args.csv, actor=_actor(args))
    except BlocksError as exc:
        _print_problems(f"{args.csv}: refused, nothing stored", exc.problems, args.lang)
        return EXIT_REJECTED
    print(f"{args.csv}: {summary.blocks} blocks in {summary.wards} wards, population "
          f"{summary.population:,}: {summary.inserted} new, {summary.updated} updated")
    for w in summary.warnings:
        print(f"  warning: {w}")
    return EXIT_OK


def cmd_ingest(args, store, policy) -> int:
    from data.ingest.zone_file import ingest_file

    status = EXIT_OK
    user, allowed = _actor(args), None if args.login is None else args.login.allowed_wards
    for path in args.files:
        report, outcome = ingest_file(store, Path(path), Path(path).name, user=user,
                                      today=today_vn(), policy=policy, dry_run=args.dry_run,
                                      allowed_wards=allowed)
        if not report.accepted:
            status = EXIT_REJECTED
        if args.json:
            out = report.to_json()
            out["file"] = path
            if outcome is not None:
                out["outcome"] = outcome.outcome
                out["changed"] = outcome.changed
            print(json.dumps(out, ensure_ascii=False))
        else:
            _print_ingest(path, report, outcome, args)
    return status


def _print_ingest(path, report, outcome, args) -> None:
    vi = args.lang == "vi"
    if report.accepted:
        what = "kiểm tra, không lưu" if vi else "checked, not stored"
        if outcome is not None:
            what = f"{outcome.outcome}, {outcome.changed} " + ("giá trị thay đổi" if vi
                                                               else "values changed")
        head = "chấp nhận" if vi else "accepted"
        print(f"{path}: {head}: {report.row_count} rows ({what})")
    else:
        head = "bị từ chối, không lưu gì" if vi else "rejected, nothing stored"
        print(f"{path}: {head}: {len(report.errors)} errors")
        for p in report.errors:
            row = "-" if p.row is None else p.row
            reason = p.reason_vi if vi else p.reason
            print(f"  row {row}\t{p.column or '-'}\t{p.value!r}\t{reason}")
    for w in report.warnings:
        print(f"  warning: {w.reason_vi if vi else w.reason}")


def _print_problems(head: str, problems, lang: str) -> None:
    """One line a problem: where (row or feature, code, column), the value, the reason."""
    print(head, file=sys.stderr)
    for p in problems:
        where = []
        if getattr(p, "row", None) is not None:
            where.append(f"row {p.row}")
        if getattr(p, "feature", None) is not None:
            where.append(f"feature {p.feature}")
        where += [str(x) for x in (getattr(p, "code", None), getattr(p, "field", None),
                                   getattr(p, "column", None)) if x]
        value = f" {p.value!r}" if getattr(p, "value", "") else ""
        reason = p.reason_vi if lang == "vi" else p.reason
        print(f"  {' '.join(where) or '-'}{value}: {reason}", file=sys.stderr)


def cmd_demo(args, store, policy) -> int:
    from data.demo.city import generate_demo, load_demo

    progress = make_progress()
    if args.boundaries is None:
        city = generate_demo(wards=args.wards or 17, blocks_per_ward=args.blocks_per_ward,
                             days=args.days, end=args.end, seed=args.seed, policy=policy,
                             progress=progress)
    elif args.wards is not None:
        raise UsageError("--wards and --boundaries exclude each other: the file gives the wards")
    else:
        import hashlib

        from data.demo import real as demo_real
        from geo.boundaries.read import BoundaryError, read_boundaries

        try:
            wards = read_boundaries(args.boundaries, level="ward").gdf
            demo_real.refuse_mixed_areas(store, wards["ward_code"], args.blocks_per_ward)
            city = demo_real.generate_real_demo(
                wards, source=Path(args.boundaries).name, blocks_per_ward=args.blocks_per_ward,
                days=args.days, end=args.end, seed=args.seed, policy=policy, progress=progress,
                source_sha256=hashlib.sha256(Path(args.boundaries).read_bytes()).hexdigest())
            demo_real.refuse_mixed_uploads(store, city)
        except BoundaryError as exc:
            _print_problems(f"{args.boundaries}: refused, nothing stored", exc.problems,
                            args.lang)
            return EXIT_REJECTED
        except demo_real.DemoRefused as exc:
            print(f"demo: refused, nothing stored: "
                  f"{exc.reason_vi if args.lang == 'vi' else exc.reason}", file=sys.stderr)
            return EXIT_REJECTED
        if "pop_2019" not in wards:
            print(f"warning: {demo_real.FALLBACK}", file=sys.stderr)
    load_demo(store, city, actor=_actor(args), progress=progress)
    print(f"demo: {len(city.wards)} wards, {len(city.blocks)} blocks "
          f"(population {city.blocks['population'].sum():,}), "
          f"{len(city.reports)} reports up to {args.end}")
    return EXIT_OK


def cmd_export_levels(args, store, policy) -> int:
    from data.exports.levels import levels_table, write_levels

    df = levels_table(store, args.as_of, policy)
    if df.empty:
        print(f"no areas in the store {store.url}: import boundaries or run `demo` first",
              file=sys.stderr)
        return EXIT_REJECTED
    dest = args.output or sys.stdout.buffer
    write_levels(df, args.format, dest, store=store)
    if args.output:
        print(f"{args.output}: {len(df)} areas as of {args.as_of}", file=sys.stderr)
    return EXIT_OK


def cmd_targets(args, store, policy) -> int:
    from data.config.policy_files import load_targets
    from data.services.figures import targets_as_of
    from zones.targets import TargetsError

    try:
        targets = load_targets(args.targets)
    except (OSError, TargetsError) as exc:
        raise UsageError(f"targets file: {exc}") from None
    if store.date_range() is None:
        print("no zone reports in the store: ingest files or run `demo` first", file=sys.stderr)
        return EXIT_REJECTED
    progress = targets_as_of(store, args.as_of, policy, targets)
    if args.json:
        print(json.dumps([p.as_json() for p in progress], ensure_ascii=False, default=str,
                         indent=1))
        return EXIT_OK
    for p in progress:
        j = p.as_json()
        title = j["title"]["vi" if args.lang == "vi" else "en"]
        print(f"{j['status']:<9} {j['id']}: {title}\n          now {j['current']} "
              f"(goal {j['comparator']} {j['goal']} by {j['deadline']}), "
              f"projected {j['projected_date'] or '-'}")
    return EXIT_OK


def _write_out(data: bytes, output: str | None, what: str) -> None:
    """Bytes to the -o file (saying what was written on stderr), else to stdout."""
    if output:
        Path(output).write_bytes(data)
        print(f"{output}: {what}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)


def cmd_trends(args, store, policy) -> int:
    from data.services.figures import trends_between
    from zones.trends import trends_table

    try:
        table = trends_table(trends_between(store, args.date_from, args.date_to, policy,
                                            district=args.district))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        text = table.to_json(orient="records", date_format="iso", force_ascii=False)
        data = text.encode("utf-8") + b"\n"
    else:
        from data.exports.levels import csv_bytes

        data = csv_bytes(table)
    _write_out(data, args.output, f"{len(table)} rows")
    return EXIT_OK


def cmd_record_rounds(args, store, policy) -> int:
    from data.ingest.plan_inputs import PlanInputError, read_rounds_file

    try:
        rounds = read_rounds_file(args.csv, store.known_areas(), today_vn())
    except PlanInputError as exc:
        _print_problems(f"{args.csv}: refused, nothing stored", exc.problems, args.lang)
        return EXIT_REJECTED
    n = store.record_rounds(rounds, source="cli", user=_actor(args))
    print(f"{args.csv}: {n} testing rounds recorded")
    return EXIT_OK


def _capacity(args, store):
    from data.ingest.plan_inputs import read_capacity_file

    if args.capacity_file:
        return read_capacity_file(args.capacity_file, store.areas(), today_vn())
    if args.capacity is None:
        raise UsageError("give --capacity N (per day) or --capacity-file CSV")
    if args.capacity <= 0:
        raise ValueError(f"--capacity {args.capacity}: must be greater than 0")
    return args.capacity


def cmd_schedule(args, store, policy) -> int:
    from data.exports.schedule import write_schedule
    from data.ingest.plan_inputs import PlanInputError
    from data.services.figures import schedule_as_of

    try:
        plan = schedule_as_of(store, args.as_of, policy, days=args.days,
                              capacity=_capacity(args, store), unit=args.capacity_unit)
    except PlanInputError as exc:
        _print_problems(f"{args.capacity_file}: refused", exc.problems, args.lang)
        return EXIT_REJECTED
    except ValueError as exc:
        print(f"schedule: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    write_schedule(plan, args.format, args.output or sys.stdout.buffer)
    _print_plan_summary(plan, sys.stderr if args.output is None else sys.stdout)
    return EXIT_OK


def _print_plan_summary(plan, out) -> None:
    """Rounds and load per day against capacity, then the overdue areas and the fix."""
    print(f"plan {plan.as_of} + {plan.horizon} days, policy {plan.policy_id}, "
          f"capacity in {plan.unit}: {len(plan.rounds)} rounds", file=out)
    daily = plan.load.groupby("date")[["used", "capacity", "rounds"]].sum()
    for day, r in daily.iterrows():
        print(f"  {day}  {int(r['rounds']):>5} rounds  {int(r['used']):>8,} / "
              f"{int(r['capacity']):,} {plan.unit}", file=out)
    late = plan.overdue
    if late.empty:
        print("every area meets its interval: nothing overdue", file=out)
        return
    print(f"OVERDUE: {len(late)} areas, {int(late['overdue_days'].sum())} overdue days",
          file=out)
    for _, r in late.sort_values("overdue_days", ascending=False).head(20).iterrows():
        block = f"/{r['block_code']}" if r["block_code"] else ""
        print(f"  {r['ward_code']}{block} {r['ward_name']} {r['block_name']}: "
              f"{int(r['overdue_days'])} days overdue ({r['level']})", file=out)
    for _, r in plan.extra.iterrows():
        print(f"extra capacity needed in {r['pool']}: {int(r['extra_per_day']):,} "
              f"{r['unit']} a day (no plan can do with less than "
              f"{int(r['lower_bound']):,})", file=out)


def cmd_report(args, store, policy) -> int:
    from data.reports.run import parse_period, parse_scope, run_report

    try:
        scope, period = parse_scope(args.scope), parse_period(args.period)
        content = run_report(store, policy, scope, period, args.format, args.output, args.lang)
    except ValueError as exc:  # a bad --scope/--period, an unknown code, a future period
        raise UsageError(str(exc)) from None
    p = content.period
    print(f"{args.output}: {args.format} report of {args.scope}, {p.start} to {p.end}"
          + (" (period not over: so far)" if content.is_partial else ""), file=sys.stderr)
    return EXIT_OK


# ---- accounts, audit, backup ---------------------------------------------------------

# What each command needs when the store has accounts (data.store.accounts.ACTIONS); a command not
# listed here needs "read". With no account in the store, everything runs (local mode).
NEEDS = {"ingest": "upload", "record-rounds": "rounds", "schedule": "schedule",
         "export-levels": "export", "report": "export", "demo": "areas",
         "import-boundaries": "areas", "import-blocks": "areas", "user": "users",
         "audit": "audit", "backup": "backup", "restore": "backup", "repack": "backup"}
# Commands that change the store: the policy they run under is noted in the audit log.
WRITES = ("ingest", "record-rounds", "demo", "import-boundaries", "import-blocks")


def _actor(args) -> str:
    """Who the audit log names: the logged-in account, else --user or the OS user."""
    if args.login is not None:
        return args.login.name
    return getattr(args, "user", None) or getpass.getuser()


def _password(prompt: str = "password: ") -> str:
    """VUNGXANH_PASSWORD, else a prompt on a terminal (never an argument: those show in
    `ps` and shell history)."""
    if "VUNGXANH_PASSWORD" in os.environ:
        return os.environ["VUNGXANH_PASSWORD"]
    if not sys.stdin.isatty():
        raise UsageError("no password: set VUNGXANH_PASSWORD or run on a terminal")
    return getpass.getpass(prompt)


def _new_password(args) -> str:
    """An account's new password: the first line of stdin, or typed twice on a terminal.
    Never VUNGXANH_PASSWORD: that is the logged-in admin's own."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("give the new password on standard input with --password-stdin")
    first = getpass.getpass(f"new password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise UsageError("the two passwords differ")
    return first


def login(args, store):
    """The account the command runs as (None in local mode), checked against its needs."""
    from data.store.accounts import authenticate, has_accounts

    if not has_accounts(store):
        if args.command == "user" and args.user_command == "add" and args.role != "admin":
            raise UsageError("the first account must be an admin: "
                             "python cli.py user add NAME --role admin")
        return None
    name = args.as_user or os.environ.get("VUNGXANH_USER")
    if not name:
        raise UsageError("this store has accounts: log in with --as-user NAME "
                         "(or VUNGXANH_USER) and VUNGXANH_PASSWORD")
    user = authenticate(store, name, _password())
    if user is None:
        raise UsageError(f"login failed for {name!r}: wrong name or password, or disabled")
    need = NEEDS.get(args.command, "read")
    if not user.can(need):
        raise UsageError(f"{name} ({user.role}) may not run {args.command} (needs {need})")
    return user


def cmd_user(args, store, policy) -> int:
    from data.store import accounts as auth

    actor, name = _actor(args), getattr(args, "name", None)
    try:
        if args.user_command == "add":
            pw = _new_password(args)
            auth.add_user(store, name, args.role, pw, wards=auth.ward_codes(args.wards),
                          actor=actor)
        elif args.user_command == "set-role":
            auth.set_role(store, name, args.role, actor=actor)
        elif args.user_command == "set-wards":
            auth.set_wards(store, name, auth.ward_codes(args.wards), actor=actor)
        elif args.user_command == "set-password":
            pw = _new_password(args)
            auth.set_password(store, name, pw, actor=actor)
        elif args.user_command == "disable":
            auth.disable_user(store, name, actor=actor)
    except auth.AuthError as exc:
        print(f"user: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    for u in auth.list_users(store):
        if args.user_command == "list" or u.name == name:
            state = "disabled" if u.disabled else "active"
            print(f"{u.name}\t{u.role}\t{','.join(sorted(u.wards)) or '-'}\t{state}")
    return EXIT_OK


def cmd_audit(args, store, policy) -> int:
    from data.store.audit import entries, export_bytes

    data = export_bytes(entries(store), args.format)
    _write_out(data, args.output, f"audit log ({args.format})")
    return EXIT_OK


def cmd_backup(args, store, policy) -> int:
    from data.store.backup import BackupError, backup

    try:
        dest = backup(store, args.backup_file, actor=_actor(args))
    except BackupError as exc:
        raise UsageError(str(exc)) from None
    print(f"{dest}: backup of {_safe_url(store.url)}")
    return EXIT_OK


def cmd_repack(args, store, policy) -> int:
    """Build the report packs (the fast read path, data.store.packs) again from the reports and
    check they read back the same as the rows."""
    n = store.repack()
    same = store.reports().reset_index(drop=True).equals(
        store.reports_by_row().reset_index(drop=True))
    print(f"repack: {n} reports packed; read back {'the same' if same else 'DIFFERENTLY'}")
    return EXIT_OK if same else EXIT_REJECTED


def cmd_restore(args, store, policy) -> int:
    from data.store.backup import BackupError, restore

    try:
        saved = restore(store, args.backup_file, actor=_actor(args))
    except BackupError as exc:
        raise UsageError(str(exc)) from None
    print(f"{_safe_url(store.url)}: restored from {args.backup_file}; "
          f"the previous content is in {saved}")
    return EXIT_OK


def _safe_url(url: str | None) -> str:
    """A store URL fit to print: the password masked."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True) if url else "(default)"
    except Exception:  # an unparsable URL may still hold a secret: show none of it
        return "(unparsable URL)"


def _add_trust_parsers(sub) -> None:
    s = sub.add_parser("user", help="accounts: add, set-role, set-wards, disable, list")
    users = s.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = users.add_parser("add", help="add an account (the first one must be an admin)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=("viewer", "reporter", "coordinator",
                                                     "admin"))
    a.add_argument("--wards", help="comma-separated ward codes a reporter reports for")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    a = users.add_parser("set-role", help="change an account's role")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=("viewer", "reporter", "coordinator",
                                                     "admin"))
    a = users.add_parser("set-wards", help="set the wards a reporter reports for")
    a.add_argument("name")
    a.add_argument("--wards", required=True, help="comma-separated ward codes")
    a = users.add_parser("set-password", help="set an account's password")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true")
    users.add_parser("disable", help="disable an account (kept for the audit log)") \
        .add_argument("name")
    users.add_parser("list", help="list accounts")
    s.set_defaults(func=cmd_user)

    s = sub.add_parser("audit", help="the audit log: who changed what, when (admins)")
    s.add_argument("--format", choices=("csv", "json"), default="csv")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(func=cmd_audit)

    s = sub.add_parser("backup", help="consistent online copy of the SQLite store")
    s.add_argument("backup_file", metavar="FILE")
    s.set_defaults(func=cmd_backup)
    s = sub.add_parser("repack", help="rebuild the packed reports the dashboard reads")
    s.set_defaults(func=cmd_repack)
    s = sub.add_parser("restore", help="replace the SQLite store with a backup")
    s.add_argument("backup_file", metavar="FILE")
    s.set_defaults(func=cmd_restore)


# ---- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python cli.py", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="SQLAlchemy URL (default: $DATABASE_URL, else "
                                "sqlite:///vungxanh.db)")
    p.add_argument("--policy", help="policy TOML file (default: policy/default.toml)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="message language")
    p.add_argument("--as-user", metavar="NAME",
                   help="account to run as when the store has accounts (default: "
                        "$VUNGXANH_USER; password from $VUNGXANH_PASSWORD or a prompt)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("import-boundaries", help="import ward or block polygons")
    s.add_argument("file", help="GeoJSON, GeoPackage, zipped Shapefile, KML or KMZ")
    s.add_argument("--crs", help="CRS of a file that has none, e.g. EPSG:32648")
    s.add_argument("--level", choices=("ward", "block"), default="ward")
    s.set_defaults(func=cmd_import_boundaries)

    s = sub.add_parser("import-blocks", help="import the blocks table (tổ dân phố)")
    s.add_argument("csv", help="CSV: ward_code, block_code, block_name, population")
    s.set_defaults(func=cmd_import_blocks)

    s = sub.add_parser("ingest", help="validate and store daily zone files")
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument("--user", default=getpass.getuser(), help="who uploads (default: OS user)")
    s.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    s.add_argument("--json", action="store_true", help="one JSON object per file per line")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("demo", help="generate the demo city into the store")
    s.add_argument("--boundaries", metavar="FILE", help=(
        "instead of the made-up city, cut synthetic blocks into the real wards of this ward "
        "boundary file (as import-boundaries reads it); block populations add up to each "
        "ward's pop_2019 (a file without it gets the made-up demo's block sizes). Its codes "
        "are real, so it needs a store of its own: a store holding any ward, block or "
        "upload this run would not write (another city, the made-up demo, real reports, "
        "this city with other arguments) is refused; the same wards imported alone, or "
        "the same run before, are fine"))
    s.add_argument("--wards", type=positive_int, default=None,
                   help="wards of the made-up city (default 17; not with --boundaries)")
    s.add_argument("--blocks-per-ward", type=positive_int, default=15)
    s.add_argument("--days", type=positive_int, default=60)
    s.add_argument("--end", type=iso_date, default=dt.date(2021, 9, 30))
    s.add_argument("--seed", type=int, default=2021)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("export-levels", help="open-data export of every area's level")
    s.add_argument("--as-of", type=iso_date, required=True)
    s.add_argument("--format", choices=("csv", "xlsx", "geojson"), default="csv")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(func=cmd_export_levels)

    s = sub.add_parser("targets", help="green-zone targets: progress, projection, status")
    s.add_argument("--as-of", type=iso_date, required=True)
    s.add_argument("--targets", help="targets TOML file (default: policy/targets.toml)")
    s.add_argument("--json", action="store_true", help="a JSON list of targets")
    s.set_defaults(func=cmd_targets)

    s = sub.add_parser("trends", help="areas and population per level per day and district")
    s.add_argument("--from", dest="date_from", type=iso_date, required=True)
    s.add_argument("--to", dest="date_to", type=iso_date, required=True)
    s.add_argument("--district", help="one district code (default: all)")
    s.add_argument("--format", choices=("csv", "json"), default="csv")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(func=cmd_trends)

    s = sub.add_parser("record-rounds", help="record testing rounds done (đợt xét nghiệm)")
    s.add_argument("csv", help="CSV: ward_code, block_code, date, samples")
    s.add_argument("--user", default=getpass.getuser(), help="who records (default: OS user)")
    s.set_defaults(func=cmd_record_rounds)

    s = sub.add_parser("schedule", help="testing schedule within sampling capacity")
    s.add_argument("--as-of", type=iso_date, required=True)
    s.add_argument("--days", type=positive_int, default=14)
    cap = s.add_mutually_exclusive_group()
    cap.add_argument("--capacity", type=int, help="samples (or tubes) a day, whole city")
    cap.add_argument("--capacity-file", help="CSV: date, district_code or ward_code, capacity")
    s.add_argument("--capacity-unit", choices=("samples", "tubes"), default="samples")
    s.add_argument("--format", choices=("csv", "xlsx", "ics"), default="csv")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(func=cmd_schedule)

    s = sub.add_parser("report", help="daily, weekly or monthly report as DOCX, PDF or XLSX")
    s.add_argument("--scope", required=True, help="city, district:CODE or ward:CODE")
    s.add_argument("--period", required=True,
                   help="day:YYYY-MM-DD, week:YYYY-Www (ISO week) or month:YYYY-MM")
    s.add_argument("--format", choices=("docx", "pdf", "xlsx"), required=True)
    s.add_argument("-o", "--output", required=True, help="output file")
    s.set_defaults(func=cmd_report)
    _add_trust_parsers(sub)
    return p


def _open_store(args):
    """The store, or None after telling the user how to fix the URL (masked: it may hold
    a password)."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    from data.store.database import Store

    try:
        return Store(args.db)
    except (ArgumentError, OperationalError, NoSuchModuleError) as exc:
        detail = str(exc).splitlines()[0] if isinstance(exc, ArgumentError) else ""
        print(f"database {_safe_url(args.db)}: cannot open it: {exc.__class__.__name__}"
              f"{': ' + detail if detail else ''}\n  --db takes a SQLAlchemy URL such as "
              "sqlite:///vungxanh.db or postgresql+psycopg://user@host:5432/dbname",
              file=sys.stderr)
        return None


def _setup_log() -> None:
    """Details of unexpected errors go to a log file (VUNGXANH_LOG_FILE, default
    vungxanh.log), never to the user's screen: they get a reference id."""
    log = logging.getLogger("vungxanh")
    if not log.handlers:
        log.addHandler(logging.FileHandler(os.environ.get("VUNGXANH_LOG_FILE",
                                                          "vungxanh.log"), delay=True))


def _run(args, store, policy) -> int:
    from data.config.policy_files import DEFAULT_POLICY_PATH
    from data.store.audit import note_policy

    args.login = login(args, store)
    status = args.func(args, store, policy)
    # After the change, so a rejected file leaves even the audit log as it was.
    if status == EXIT_OK and args.command in WRITES and not getattr(args, "dry_run", False):
        text = Path(args.policy or DEFAULT_POLICY_PATH).read_text(encoding="utf-8")
        note_policy(store, _actor(args), policy.id, text)
    return status


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a usage error
    from data.config.policy_files import load_policy
    from data.store.audit import incident
    from zones.policy import PolicyError

    try:
        policy = load_policy(args.policy)
    except (OSError, PolicyError) as exc:
        print(f"policy: {exc}", file=sys.stderr)
        return EXIT_USAGE
    given = [getattr(args, n) for n in ("file", "csv", "capacity_file")
             if getattr(args, n, None)]
    for path in given + list(getattr(args, "files", None) or []):
        if not Path(path).is_file():
            parser.error(f"no such file: {path}")
    store = _open_store(args)
    if store is None:
        return EXIT_USAGE
    try:
        return _run(args, store, policy)
    except (UsageError, OSError) as exc:  # OSError: an output path that cannot be written
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # no traceback for users: a reference into the log
        _setup_log()
        print(f"internal error, reference {incident(exc)}: details are in the log "
              f"({os.environ.get('VUNGXANH_LOG_FILE', 'vungxanh.log')})", file=sys.stderr)
        return EXIT_REJECTED
    finally:
        store.dispose()

if __name__ == "__main__":
    sys.exit(main())
