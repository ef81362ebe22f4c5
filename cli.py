"""vungxanh command line: parse arguments, call the same functions as the dashboard.

Exit codes: 0 success, 1 input rejected, 2 usage error or a store that cannot do what was
asked (a newer version's, unopenable, its disk full, read-only: the input is not at fault),
3 internal error (a reference id on screen, the details in the log).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commands import (
    audit,
    backup,
    boundaries,
    demo,
    export_map,
    ingest,
    levels,
    repack,
    report,
    rounds,
    schedule,
    targets,
    today,
    tokens,
    trends,
    users,
)
from commands.common import (
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    refuse_store_output,
    safe_url,
    say,
    set_language,
)
from commands.parser_language import localise, speaking
from commands.session import actor, login
from data.config import settings
from data.config.access import WRITES
from i18n import DEFAULT_LANGUAGE, LANGUAGES, t

# The command modules, in the order `--help` lists them: each has register(sub).
COMMANDS = (boundaries, ingest, demo, today, levels, export_map, targets, trends, rounds,
            schedule, report, users, tokens, audit, backup, repack)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python cli.py", description=__doc__.splitlines()[0])
    p.add_argument("--db", help="SQLAlchemy URL (default: $DATABASE_URL, else "
                                "sqlite:///vungxanh.db)")
    p.add_argument("--policy", help="policy TOML file (default: policy/default.toml)")
    p.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                   help="message language")
    p.add_argument("--as-user", metavar="NAME",
                   help="account to run as when the store has accounts (default: "
                        "$VUNGXANH_USER; password from $VUNGXANH_PASSWORD or a prompt)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return p


def _language(argv: list[str]) -> str:
    """--lang as given, read before the full parse so that argument types can say what is
    wrong in it; anything odd is left for the full parse to report."""
    pre = argparse.ArgumentParser(add_help=False, allow_abbrev=False, exit_on_error=False)
    pre.add_argument("--lang")
    try:
        lang = pre.parse_known_args(argv)[0].lang
    except argparse.ArgumentError:
        return DEFAULT_LANGUAGE
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def _open_store(args):
    """The store (opened the command's way, if it has one: `restore`), or None after
    telling the user how to fix the URL (masked: it may hold a password) or why the store
    cannot be used (a newer version made it, another program's database, its driver is
    missing). A command that cannot make a store (any but `creates_store`) refuses a
    SQLite file that does not exist: a mistyped path, not a new store."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError

    from data.store.database import Store
    from data.store.engine import sqlite_file
    from zones.problems import Unsaid, said

    try:
        path = sqlite_file(settings.database_url(args.db))
        if path is not None and not path.exists() and not getattr(args, "creates_store", False):
            say("cli.db.no_store", args.lang, err=True, path=path, command=args.command)
            return None
        return getattr(args, "open_store", Store)(args.db)
    except Unsaid as exc:
        say("cli.error", args.lang, err=True, error=said(exc, args.lang))
        return None
    except DatabaseError as exc:  # the URL was understood: what the driver said is why
        say("cli.db.cannot_open", args.lang, err=True, url=safe_url(args.db, args.lang),
            detail=str(getattr(exc, "orig", None) or exc).splitlines()[0])
        return None
    except (ArgumentError, NoSuchModuleError) as exc:
        detail = str(exc).splitlines()[0] if isinstance(exc, ArgumentError) else ""
        say("cli.db.unopenable", args.lang, err=True, url=safe_url(args.db, args.lang),
            kind=exc.__class__.__name__, detail=f": {detail}" if detail else "")
        return None


def _check_files(parser, args) -> None:
    """Every input file named exists (else a usage error, exit 2)."""
    given = [getattr(args, n) for n in ("file", "csv", "capacity_file")
             if getattr(args, n, None)]
    for path in given + list(getattr(args, "files", None) or []):
        if not Path(path).is_file():
            parser.error(t("cli.no_such_file", args.lang, path=path))


def _run(args, store, policy) -> int:
    from data.config.policy_files import DEFAULT_POLICY_PATH
    from data.store.audit import note_policy

    args.login = login(args, store)
    if args.command in WRITES and (refused := store.refused()) is not None:
        raise refused  # before any work: the store was opened read-only
    # The file the command writes (-o, or backup's FILE) is never the store itself.
    refuse_store_output(getattr(args, getattr(args, "writes_to", "output"), None), store,
                        args.lang)
    status = args.handler(args, store, policy)
    # After the change, so a rejected file leaves even the audit log as it was.
    if status == EXIT_OK and args.command in WRITES and not getattr(args, "dry_run", False):
        text = Path(args.policy or DEFAULT_POLICY_PATH).read_text(encoding="utf-8")
        note_policy(store, actor(args), policy.id, text)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else [str(a) for a in argv]
    lang = _language(argv)
    set_language(lang)
    with speaking(lang):  # argparse's own sentences (usage, errors) in that language too
        return _main(argv, lang)


def _main(argv: list[str], lang: str) -> int:
    parser = build_parser()
    localise(parser, lang)
    args = parser.parse_args(argv)  # exits 2 on a usage error
    set_language(args.lang)
    if args.db is not None and not args.db.strip():  # an unset variable, not the default
        parser.error(t("cli.db.empty", args.lang))
    from data.config.policy_files import load_policy
    from data.store.audit import incident
    from data.store.engine import StoreUnusable
    from zones.policy import PolicyError
    from zones.problems import said

    try:
        policy = load_policy(args.policy)
    except (OSError, PolicyError) as exc:
        say("cli.policy_error", args.lang, err=True, error=str(exc))
        return EXIT_USAGE
    _check_files(parser, args)
    store = _open_store(args)
    if store is None:
        return EXIT_USAGE
    try:
        return _run(args, store, policy)
    except (UsageError, OSError) as exc:  # OSError: an output path that cannot be written
        say("cli.error", args.lang, err=True, error=str(exc))
        return EXIT_USAGE
    except StoreUnusable as exc:  # a full disk, a read-only store: nothing was stored
        say("cli.error", args.lang, err=True, error=said(exc, args.lang))
        return EXIT_USAGE
    except Exception as exc:  # no traceback for users: a reference into the log
        settings.log_to_file()
        say("cli.internal", args.lang, err=True, ref=incident(exc),
            log=settings.value("VUNGXANH_LOG_FILE"))
        return EXIT_INTERNAL
    finally:
        store.dispose()


if __name__ == "__main__":
    sys.exit(main())
