"""`schedule`: the testing plan within sampling capacity, and its summary (rounds and load
a day, the overdue areas, the extra capacity that would avoid them)."""

from __future__ import annotations

import sys

from commands.common import (
    EXIT_OK,
    EXIT_REJECTED,
    UsageError,
    iso_date,
    positive_int,
    print_problems,
    say,
)
from data.config.clock import today_vn
from i18n import t
from i18n.formats import fmt_number
from zones.problems import said


def register(sub) -> None:
    s = sub.add_parser("schedule", help="testing schedule within sampling capacity")
    s.add_argument("--as-of", type=iso_date, required=True)
    s.add_argument("--days", type=positive_int, default=14)
    cap = s.add_mutually_exclusive_group()
    cap.add_argument("--capacity", type=int, help="samples (or tubes) a day, whole city")
    cap.add_argument("--capacity-file", help="CSV: date, district_code or ward_code, capacity")
    s.add_argument("--capacity-unit", choices=("samples", "tubes"), default="samples")
    s.add_argument("--format", choices=("csv", "xlsx", "ics"), default="csv")
    s.add_argument("--headers", choices=("en", "vi"),
                   help="language of the file's headers and labels (default: the CSV's "
                        "English contract header; XLSX and calendar in Vietnamese)")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(handler=run)


def _capacity(args, store):
    from data.ingest.plan_inputs import read_capacity_file

    if args.capacity_file:
        return read_capacity_file(args.capacity_file, store.areas(), today_vn())
    if args.capacity is None:
        raise UsageError(t("cli.schedule.no_capacity", args.lang))
    if args.capacity <= 0:
        raise ValueError(t("cli.schedule.capacity_not_positive", args.lang,
                           capacity=args.capacity))
    return args.capacity


def run(args, store, policy) -> int:
    from data.exports.schedule import write_schedule
    from data.ingest.plan_inputs import PlanInputError
    from data.services.figures import schedule_as_of

    try:
        plan = schedule_as_of(store, args.as_of, policy, days=args.days,
                              capacity=_capacity(args, store), unit=args.capacity_unit)
    except PlanInputError as exc:
        print_problems(t("cli.schedule.refused", args.lang, file=args.capacity_file),
                       exc.problems, args.lang)
        return EXIT_REJECTED
    except ValueError as exc:  # a capacity ≤ 0, a date without levels, a capacity gap
        say("cli.schedule.error", args.lang, err=True, error=said(exc, args.lang))
        return EXIT_REJECTED
    write_schedule(plan, args.format, args.output or sys.stdout.buffer, args.headers)
    print_plan_summary(plan, args.lang, sys.stderr if args.output is None else sys.stdout)
    return EXIT_OK


def print_plan_summary(plan, lang: str, out) -> None:
    """Rounds and load per day against capacity, then every overdue area (days, level,
    reason) and the fix."""
    def line(key: str, **values) -> None:
        print(t(f"cli.plan.{key}", lang, **values), file=out)

    unit = t(f"cli.unit.{plan.unit}", lang)
    line("head", as_of=plan.as_of, days=plan.horizon, policy=plan.policy_id, unit=unit,
         rounds=len(plan.rounds))
    daily = plan.load.groupby("date")[["used", "capacity", "rounds"]].sum()
    for day, r in daily.iterrows():
        line("day", date=day, rounds=f"{int(r['rounds']):>5}",
             used=f"{fmt_number(int(r['used']), lang):>8}",
             capacity=fmt_number(int(r["capacity"]), lang), unit=unit)
    late = plan.overdue
    if late.empty:
        line("none_overdue")
        return
    line("overdue", areas=len(late), days=int(late["overdue_days"].sum()))
    # Every overdue area, as the page and the exports list them (issue #17).
    for _, r in late.sort_values("overdue_days", ascending=False, kind="stable").iterrows():
        block = f"/{r['block_code']}" if r["block_code"] else ""
        line("overdue_area", area=f"{r['ward_code']}{block}", ward=r["ward_name"],
             block=r["block_name"], days=int(r["overdue_days"]), level=r["level"],
             reason=t(f"schedule.reason.{r['reason']}", lang))
    for _, r in plan.extra.iterrows():
        line("extra", pool=r["pool"], extra=fmt_number(int(r["extra_per_day"]), lang),
             unit=t(f"cli.unit.{r['unit']}", lang), lower=fmt_number(int(r["lower_bound"]), lang))
