"""`export-map`: the map of one day as a self-contained offline HTML file to send on
(data.exports.map_html)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commands.common import EXIT_OK, EXIT_REJECTED, iso_date, language
from data.exports.map_html import NoLevels, day_map_html
from i18n import t
from i18n.formats import fmt_date, fmt_int


def _html_file(text: str) -> str:
    if Path(text).suffix.lower() not in (".html", ".htm"):
        raise argparse.ArgumentTypeError(t("cli.arg.html", language(), value=repr(text)))
    return text


def register(sub) -> None:
    s = sub.add_parser("export-map", help="the map of one day as one offline HTML file")
    s.add_argument("--as-of", type=iso_date, required=True, help="the day (YYYY-MM-DD)")
    s.add_argument("-o", "--output", type=_html_file, required=True,
                   help="the HTML file to write (.html)")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    """Write the file: 0; 1 (and why, on stderr) when no area has a level that day."""
    lang = args.lang
    try:
        data = day_map_html(store, args.as_of, policy, lang)
    except NoLevels as exc:
        print(exc, file=sys.stderr)
        return EXIT_REJECTED
    Path(args.output).write_bytes(data)
    print(t("htmlmap.written", lang, path=args.output, date=fmt_date(args.as_of, lang),
            size=fmt_int(round(len(data) / 1024), lang)), file=sys.stderr)
    return EXIT_OK
