"""`demo`: the made-up demo city, or the same demo on real ward boundaries, into the store."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from commands.common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    iso_date,
    make_progress,
    positive_int,
    print_problems,
    reason,
    say,
)
from commands.session import actor
from i18n import t
from i18n.formats import fmt_number

BOUNDARIES_HELP = (
    "instead of the made-up city, cut synthetic blocks into the real wards of this ward "
    "boundary file (as import-boundaries reads it); block populations add up to each "
    "ward's pop_2019 (a file without it gets the made-up demo's block sizes). Its codes "
    "are real, so it needs a store of its own: a store holding any ward, block or "
    "upload this run would not write (another city, the made-up demo, real reports, "
    "this city with other arguments) is refused; the same wards imported alone, or "
    "the same run before, are fine")


def register(sub) -> None:
    s = sub.add_parser("demo", help="generate the demo city into the store")
    s.add_argument("--boundaries", metavar="FILE", help=BOUNDARIES_HELP)
    s.add_argument("--wards", type=positive_int, default=None,
                   help="wards of the made-up city (default 17; not with --boundaries)")
    s.add_argument("--blocks-per-ward", type=positive_int, default=15)
    s.add_argument("--days", type=positive_int, default=60)
    s.add_argument("--end", type=iso_date, default=dt.date(2021, 9, 30))
    s.add_argument("--seed", type=int, default=2021)
    s.set_defaults(handler=run, creates_store=True)


def run(args, store, policy) -> int:
    from data.demo.city import generate_demo, load_demo

    progress = make_progress()
    if args.boundaries is None:
        city = generate_demo(wards=args.wards or 17, blocks_per_ward=args.blocks_per_ward,
                             days=args.days, end=args.end, seed=args.seed, policy=policy,
                             progress=progress)
    elif args.wards is not None:
        raise UsageError(t("cli.demo.wards_and_boundaries", args.lang))
    else:
        city = _real_city(args, store, policy, progress)
        if city is None:
            return EXIT_REJECTED
    load_demo(store, city, actor=actor(args), progress=progress)
    say("cli.demo.summary", args.lang, wards=fmt_number(len(city.wards), args.lang),
        blocks=fmt_number(len(city.blocks), args.lang),
        population=fmt_number(city.blocks["population"].sum(), args.lang),
        reports=fmt_number(len(city.reports), args.lang), end=args.end)
    return EXIT_OK


def _real_city(args, store, policy, progress):
    """The demo on the wards of --boundaries, or None after saying why it is refused."""
    from data.demo import real as demo_real
    from geo.boundaries.read import BoundaryError, read_boundaries

    lang = args.lang
    try:
        wards = read_boundaries(args.boundaries, level="ward").gdf
        demo_real.refuse_mixed_areas(store, wards["ward_code"], args.blocks_per_ward)
        city = demo_real.generate_real_demo(
            wards, source=Path(args.boundaries).name, blocks_per_ward=args.blocks_per_ward,
            days=args.days, end=args.end, seed=args.seed, policy=policy, progress=progress,
            source_sha256=hashlib.sha256(Path(args.boundaries).read_bytes()).hexdigest())
        demo_real.refuse_mixed_uploads(store, city)
    except BoundaryError as exc:
        print_problems(t("cli.refused", lang, file=args.boundaries), exc.problems, lang)
        return None
    except demo_real.DemoRefused as exc:
        say("cli.demo.refused", lang, err=True, reason=reason(exc, lang))
        return None
    if "pop_2019" not in wards:
        say("cli.warning", lang, err=True, warning=t("cli.demo.no_population", lang))
    return city
