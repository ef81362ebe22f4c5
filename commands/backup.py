"""`backup` (a consistent online copy of the SQLite store) and `restore` (put one back)."""

from __future__ import annotations

from commands.common import EXIT_OK, UsageError, safe_url, say
from commands.session import actor
from zones.problems import said


def register(sub) -> None:
    s = sub.add_parser("backup", help="consistent online copy of the SQLite store")
    s.add_argument("backup_file", metavar="FILE")
    s.set_defaults(handler=run_backup, writes_to="backup_file")
    s = sub.add_parser("restore", help="replace the SQLite store with a backup")
    s.add_argument("backup_file", metavar="FILE")
    # A store a newer version made is refused when opened, except for a restore over it.
    s.set_defaults(handler=run_restore, open_store=open_for_restore, creates_store=True)


def open_for_restore(url: str | None):
    from data.store.backup import open_for_restore as open_store

    return open_store(url)


def run_backup(args, store, policy) -> int:
    from data.store.backup import BackupError, backup

    try:
        dest = backup(store, args.backup_file, actor=actor(args))
    except BackupError as exc:
        raise UsageError(said(exc, args.lang)) from None
    say("cli.backup.done", args.lang, file=dest, url=safe_url(store.url, args.lang))
    if store.read_only:  # copied as it is read; it can take no audit entry
        say("cli.backup.not_logged", args.lang, why=store.refused().text(args.lang))
    return EXIT_OK


def run_restore(args, store, policy) -> int:
    from data.store.backup import BackupError, restore

    try:
        saved = restore(store, args.backup_file, actor=actor(args))
    except BackupError as exc:
        raise UsageError(said(exc, args.lang)) from None
    say("cli.restore.done", args.lang, url=safe_url(store.url, args.lang),
        file=args.backup_file, saved=saved)
    return EXIT_OK
