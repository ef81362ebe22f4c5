"""`today`: the morning view of a day and a scope, as text or as one JSON object."""

from __future__ import annotations

import json

from commands.common import EXIT_OK, UsageError, iso_date, write_out
from i18n import t
from zones.problems import said


def register(sub) -> None:
    s = sub.add_parser("today", help="the morning view: reporting, changes, worst places, "
                                     "targets and overdue rounds of a day")
    s.add_argument("--as-of", type=iso_date, help="the day (default: the store's last day "
                                                  "with reports)")
    s.add_argument("--since", type=iso_date, help="changes measured from this day "
                                                  "(default: the day before)")
    s.add_argument("--scope", default="city",
                   help="city, province:CODE, district:CODE or ward:CODE (default: city)")
    s.add_argument("--json", action="store_true", help="one JSON object instead of text")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.services.today import morning
    from data.services.today_text import lines

    as_of = args.as_of
    if as_of is None:
        span = store.date_range()
        if span is None:
            raise UsageError(t("request.schedule.no_levels_none", args.lang, date="—"))
        as_of = span[1]
    try:
        view = morning(store, as_of, policy, args.scope, since=args.since)
    except ValueError as exc:  # a scope or a day the store cannot answer
        raise UsageError(said(exc, args.lang)) from None
    if args.json:
        data = json.dumps(view.as_json(), ensure_ascii=False, indent=1).encode() + b"\n"
    else:
        data = ("\n".join(lines(view, args.lang)) + "\n").encode()
    write_out(data, args.output, t("cli.today.what", args.lang, date=as_of.isoformat()),
              args.lang)
    return EXIT_OK
