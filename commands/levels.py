"""`export-levels`: every ward and block with its effective level on a date (open data)."""

from __future__ import annotations

import sys

from commands.common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    iso_date,
    safe_url,
    say,
)
from i18n import t
from i18n.formats import fmt_date, fmt_number


def register(sub) -> None:
    s = sub.add_parser("export-levels", help="open-data export of every area's level")
    s.add_argument("--as-of", type=iso_date, required=True)
    s.add_argument("--format", choices=("csv", "xlsx", "geojson"), default="csv")
    s.add_argument("--headers", choices=("en", "vi"), default="en",
                   help="CSV and XLSX header: the English contract (en) or Vietnamese (vi)")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    """Write the export: 0; 1 (and why, on stderr) when the store has no areas, or no area
    a level that day (a file of `unknown` only is not open data), as export-map does."""
    from data.exports.levels import levels_table, write_levels
    from zones.levels import UNKNOWN

    if args.format == "geojson" and args.headers != "en":
        raise UsageError(t("cli.levels.geojson_headers", args.lang))
    df = levels_table(store, args.as_of, policy)
    if df.empty:
        say("cli.levels.no_areas", args.lang, err=True, url=safe_url(store.url, args.lang))
        return EXIT_REJECTED
    if not (df["level"] != UNKNOWN).any():
        print(t("htmlmap.no_levels", args.lang, date=fmt_date(args.as_of, args.lang)),
              file=sys.stderr)
        return EXIT_REJECTED
    write_levels(df, args.format, args.output or sys.stdout.buffer, store=store,
                 headers=args.headers)
    if args.output:
        say("cli.levels.written", args.lang, err=True, output=args.output,
            areas=fmt_number(len(df), args.lang),
            date=args.as_of)
    return EXIT_OK
