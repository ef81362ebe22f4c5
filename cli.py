"""vungxanh command line: parse arguments, call the same functions as the dashboard.

Exit codes: 0 success, 1 input rejected, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
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
    from geo.boundaries import BoundaryError
    from geo.importer import import_boundaries

    try:
        summary = import_boundaries(store, args.file, crs=args.crs, level=args.level)
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
    from data.blocks_csv import BlocksError, import_blocks_csv

    try:
        summary = import_blocks_csv(store, args.csv)
    except BlocksError as exc:
        _print_problems(f"{args.csv}: refused, nothing stored", exc.problems, args.lang)
        return EXIT_REJECTED
    print(f"{args.csv}: {summary.blocks} blocks in {summary.wards} wards, population "
          f"{summary.population:,}: {summary.inserted} new, {summary.updated} updated")
    for w in summary.warnings:
        print(f"  warning: {w}")
    return EXIT_OK


def cmd_ingest(args, store, policy) -> int:
    from data.ingest import ingest_file

    status = EXIT_OK
    for path in args.files:
        report, outcome = ingest_file(store, Path(path), Path(path).name, user=args.user,
                                      today=today_vn(), policy=policy, dry_run=args.dry_run)
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
    from data.demo import generate_demo, load_demo

    progress = make_progress()
    city = generate_demo(wards=args.wards, blocks_per_ward=args.blocks_per_ward, days=args.days,
                         end=args.end, seed=args.seed, policy=policy, progress=progress)
    load_demo(store, city, progress=progress)
    print(f"demo: {len(city.wards)} wards, {len(city.blocks)} blocks, "
          f"{len(city.reports)} reports up to {args.end}")
    return EXIT_OK


def cmd_export_levels(args, store, policy) -> int:
    from data.exports import levels_table, write_levels

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
    from data.analytics import targets_as_of
    from data.targets_file import load_targets
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


def cmd_trends(args, store, policy) -> int:
    from data.analytics import trends_between
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
        from data.exports import csv_bytes

        data = csv_bytes(table)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{args.output}: {len(table)} rows", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def cmd_record_rounds(args, store, policy) -> int:
    from data.plan_inputs import PlanInputError, read_rounds_file

    try:
        rounds = read_rounds_file(args.csv, store.known_areas(), today_vn())
    except PlanInputError as exc:
        _print_problems(f"{args.csv}: refused, nothing stored", exc.problems, args.lang)
        return EXIT_REJECTED
    n = store.record_rounds(rounds, source="cli", user=args.user)
    print(f"{args.csv}: {n} testing rounds recorded")
    return EXIT_OK


def _capacity(args, store):
    from data.plan_inputs import read_capacity_file

    if args.capacity_file:
        return read_capacity_file(args.capacity_file, store.areas(), today_vn())
    if args.capacity is None:
        raise UsageError("give --capacity N (per day) or --capacity-file CSV")
    if args.capacity <= 0:
        raise ValueError(f"--capacity {args.capacity}: must be greater than 0")
    return args.capacity


def cmd_schedule(args, store, policy) -> int:
    from data.analytics import schedule_as_of
    from data.plan_inputs import PlanInputError
    from data.schedule_exports import write_schedule

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
    from data.reports import parse_period, parse_scope, run_report

    try:
        scope, period = parse_scope(args.scope), parse_period(args.period)
        content = run_report(store, policy, scope, period, args.format, args.output, args.lang)
    except ValueError as exc:  # a bad --scope/--period, an unknown code, a future period
        raise UsageError(str(exc)) from None
    p = content.period
    print(f"{args.output}: {args.format} report of {args.scope}, {p.start} to {p.end}"
          + (" (period not over: so far)" if content.is_partial else ""), file=sys.stderr)
    return EXIT_OK


# ---- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python cli.py", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="SQLAlchemy URL (default: $DATABASE_URL, else "
                                "sqlite:///vungxanh.db)")
    p.add_argument("--policy", help="policy TOML file (default: policy/default.toml)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="message language")
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
    s.add_argument("--wards", type=positive_int, default=17)
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
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 on a usage error
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    from data.policy_file import load_policy
    from data.store import Store
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
    try:
        store = Store(args.db)
    except (ArgumentError, OperationalError, NoSuchModuleError) as exc:
        print(f"database {args.db or '(default)'}: cannot open it: {exc.__class__.__name__}: "
              f"{str(exc).splitlines()[0]}\n  --db takes a SQLAlchemy URL such as "
              "sqlite:///vungxanh.db or postgresql+psycopg://user@host:5432/dbname",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args, store, policy)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an output path that cannot be written, a file gone mid-run
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
