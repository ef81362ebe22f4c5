"""`repack`: build the report packs (the fast read path, data.store.packs) again from the
reports, and check they read back the same as the rows."""

from __future__ import annotations

from commands.common import EXIT_OK, EXIT_REJECTED, say
from i18n import t


def register(sub) -> None:
    s = sub.add_parser("repack", help="rebuild the packed reports the dashboard reads")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    n = store.repack()
    same = store.reports().reset_index(drop=True).equals(
        store.reports_by_row().reset_index(drop=True))
    say("cli.repack.done", args.lang, reports=n,
        check=t("cli.repack.same" if same else "cli.repack.different", args.lang))
    return EXIT_OK if same else EXIT_REJECTED
