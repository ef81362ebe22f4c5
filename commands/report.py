"""`report`: the daily, weekly or monthly report (báo cáo) as DOCX, PDF or XLSX."""

from __future__ import annotations

from commands.common import EXIT_OK, UsageError, say
from i18n import t
from zones.problems import said


def register(sub) -> None:
    s = sub.add_parser("report", help="daily, weekly or monthly report as DOCX, PDF or XLSX")
    s.add_argument("--scope", required=True, help="city, province:CODE, district:CODE or ward:CODE")
    s.add_argument("--period", required=True,
                   help="day:YYYY-MM-DD, week:YYYY-Www (ISO week) or month:YYYY-MM")
    s.add_argument("--format", choices=("docx", "pdf", "xlsx"), required=True)
    s.add_argument("-o", "--output", required=True, help="output file")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.reports.run import parse_period, parse_scope, run_report

    try:
        scope, period = parse_scope(args.scope), parse_period(args.period)
        content = run_report(store, policy, scope, period, args.format, args.output, args.lang)
    except ValueError as exc:  # a bad --scope/--period, an unknown code, a future period
        raise UsageError(said(exc, args.lang)) from None
    p = content.period
    partial = t("cli.report.partial", args.lang) if content.is_partial else ""
    say("cli.report.written", args.lang, err=True, output=args.output, format=args.format,
        scope=args.scope, start=p.start, end=p.end, partial=partial)
    return EXIT_OK
