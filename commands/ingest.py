"""`ingest`: validate daily zone files, each alone (all or nothing), and store the good."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

from commands.common import EXIT_OK, EXIT_REJECTED, print_problems, say
from commands.session import actor
from data.config.clock import today_vn
from i18n import t
from i18n.formats import fmt_number


def register(sub) -> None:
    s = sub.add_parser("ingest", help="validate and store daily zone files")
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument("--user", default=getpass.getuser(), help="who uploads (default: OS user)")
    s.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    s.add_argument("--json", action="store_true", help="one JSON object per file per line")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.ingest.zone_file import ingest_file

    status = EXIT_OK
    user, allowed = actor(args), None if args.login is None else args.login.allowed_wards
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
            _print_report(path, report, outcome, args.lang)
    return status


def _print_report(path, report, outcome, lang: str) -> None:
    """One line a file, then its errors and warnings (on stdout, with the summary)."""
    if report.accepted:
        what = t("cli.ingest.dry_run", lang)
        if outcome is not None:
            what = t("cli.ingest.stored", lang, changed=fmt_number(outcome.changed, lang),
                     outcome=t(f"cli.ingest.outcome.{outcome.outcome}", lang))
        say("cli.ingest.accepted", lang, file=path, rows=fmt_number(report.row_count, lang),
            what=what)
    else:
        print_problems(t("cli.ingest.rejected", lang, file=path, errors=len(report.errors)),
                       report.errors, lang, out=sys.stdout)
    print_problems(None, report.warnings, lang, out=sys.stdout, warnings=True)
