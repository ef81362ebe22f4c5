"""`audit`: the audit log (who changed what, when) as CSV or JSON, for admins."""

from __future__ import annotations

from commands.common import EXIT_OK, write_out
from i18n import t


def register(sub) -> None:
    s = sub.add_parser("audit", help="the audit log: who changed what, when (admins)")
    s.add_argument("--format", choices=("csv", "json"), default="csv")
    s.add_argument("-o", "--output", help="output file (default: standard output)")
    s.set_defaults(handler=run)


def run(args, store, policy) -> int:
    from data.store.audit import entries, export_bytes

    data = export_bytes(entries(store), args.format)
    write_out(data, args.output, t("cli.audit.what", args.lang, format=args.format), args.lang)
    return EXIT_OK
