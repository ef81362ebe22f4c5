"""`trends`: areas and population per level, per day and district, as CSV or JSON."""

from __future__ import annotations

from commands.common import EXIT_OK, UsageError, iso_date, write_out
from i18n import t
from i18n.formats import fmt_number
from zones.problems import said


def register(sub) -> None:
    s = sub.add_parser("trends", help="areas and population per level per day and district")
    s.add_argument("--from", dest="date_from", type=iso_date, required=True)
    s.add_argument("--to", dest="date_to", type=iso_date, required=True)
    s.add_argument("--district", help="one district code (default: all)")
    s.add_argument("--format", choices=("csv", "json"), default="csv")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.services.figures import trends_between
    from zones.trends import trends_table

    try:
        table = trends_table(trends_between(store, args.date_from, args.date_to, policy,
                                            district=args.district))
    except ValueError as exc:  # dates the wrong way round, an unknown district
        raise UsageError(said(exc, args.lang)) from None
    if args.format == "json":
        text = table.to_json(orient="records", date_format="iso", force_ascii=False)
        data = text.encode("utf-8") + b"\n"
    else:
        from data.exports.levels import csv_bytes

        data = csv_bytes(table)
    rows = t("cli.trends.rows", args.lang, rows=fmt_number(len(table), args.lang))
    write_out(data, args.output, rows, args.lang)
    return EXIT_OK
