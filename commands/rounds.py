"""`record-rounds`: testing rounds done (đợt xét nghiệm), from a CSV."""

from __future__ import annotations

import getpass

from commands.common import EXIT_OK, EXIT_REJECTED, print_problems, say
from commands.session import actor
from data.config.clock import today_vn
from i18n import t


def register(sub) -> None:
    s = sub.add_parser("record-rounds", help="record testing rounds done (đợt xét nghiệm)")
    s.add_argument("csv", help="CSV: ward_code, block_code, date, samples")
    s.add_argument("--user", default=getpass.getuser(), help="who records (default: OS user)")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.ingest.plan_inputs import PlanInputError, read_rounds_file

    try:
        rounds = read_rounds_file(args.csv, store.known_areas(), today_vn())
    except PlanInputError as exc:
        print_problems(t("cli.refused", args.lang, file=args.csv), exc.problems, args.lang)
        return EXIT_REJECTED
    n = store.record_rounds(rounds, source="cli", user=actor(args))
    say("cli.rounds.recorded", args.lang, file=args.csv, rounds=n)
    return EXIT_OK
