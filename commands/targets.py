"""`targets`: each green-zone target on a date: progress, projection, status."""

from __future__ import annotations

import json

from commands.common import EXIT_OK, EXIT_REJECTED, UsageError, iso_date, say
from i18n import t


def register(sub) -> None:
    s = sub.add_parser("targets", help="green-zone targets: progress, projection, status")
    s.add_argument("--as-of", type=iso_date, required=True)
    s.add_argument("--targets", help="targets TOML file (default: policy/targets.toml)")
    s.add_argument("--json", action="store_true", help="a JSON list of targets")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.config.policy_files import load_targets
    from data.services.figures import targets_as_of
    from zones.targets import TargetsError

    try:
        targets = load_targets(args.targets)
    except (OSError, TargetsError) as exc:
        raise UsageError(t("cli.targets.bad_file", args.lang, error=str(exc))) from None
    if store.date_range() is None:
        say("cli.targets.no_reports", args.lang, err=True)
        return EXIT_REJECTED
    progress = targets_as_of(store, args.as_of, policy, targets)
    if args.json:
        print(json.dumps([p.as_json() for p in progress], ensure_ascii=False, default=str,
                         indent=1))
        return EXIT_OK
    for p in progress:
        j = p.as_json()
        if j["status"] == "not_applicable":  # about a place the store holds no area of
            kind, _, code = j["scope_key"].partition(":")
            say("targets.cli_not_applicable", args.lang, status=j["status"], id=j["id"],
                title=j["title"]["vi" if args.lang == "vi" else "en"], code=code,
                kind=t(f"targets.kind.{kind}", args.lang))
            continue
        say("cli.targets.line", args.lang, status=f"{j['status']:<9}", id=j["id"],
            title=j["title"]["vi" if args.lang == "vi" else "en"], current=j["current"],
            comparator=j["comparator"], goal=j["goal"], deadline=j["deadline"],
            projected=j["projected_date"] or "-")
    return EXIT_OK
