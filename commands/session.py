"""Who runs a command: the login against the store's accounts (none: local mode), the
password prompts, and the name the audit log records."""

from __future__ import annotations

import getpass
import sys

from commands.common import UsageError
from data.config import settings
from data.config.access import COMMAND_NEEDS
from i18n import t


def actor(args) -> str:
    """Who the audit log names: the logged-in account, else --user or the OS user."""
    if args.login is not None:
        return args.login.name
    return getattr(args, "user", None) or getpass.getuser()


def password(lang: str) -> str:
    """VUNGXANH_PASSWORD, else a prompt on a terminal (never an argument: those show in
    `ps` and shell history)."""
    if settings.is_set("VUNGXANH_PASSWORD"):
        return settings.value("VUNGXANH_PASSWORD") or ""
    if not sys.stdin.isatty():
        raise UsageError(t("cli.login.no_password", lang))
    return getpass.getpass(t("cli.login.prompt", lang))


def new_password(args) -> str:
    """An account's new password: the first line of stdin, or typed twice on a terminal.
    Never VUNGXANH_PASSWORD: that is the logged-in admin's own."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError(t("cli.user.stdin_needed", args.lang))
    first = getpass.getpass(t("cli.user.new_prompt", args.lang, name=args.name))
    if getpass.getpass(t("cli.user.again", args.lang)) != first:
        raise UsageError(t("cli.user.differ", args.lang))
    return first


def login(args, store):
    """The account the command runs as (None in local mode), checked against what the
    command needs (data.config.access)."""
    from data.store.accounts import authenticate, has_accounts

    lang = args.lang
    if not has_accounts(store):
        if args.command == "user" and args.user_command == "add" and args.role != "admin":
            raise UsageError(t("cli.login.first_admin", lang))
        return None
    name = args.as_user or settings.value("VUNGXANH_USER")
    if not name:
        raise UsageError(t("cli.login.needed", lang))
    user = authenticate(store, name, password(lang))
    if user is None:
        raise UsageError(t("cli.login.failed", lang, name=repr(name)))
    need = COMMAND_NEEDS[args.command]
    if not user.can(need):
        raise UsageError(t("cli.login.forbidden", lang, name=name, role=user.role,
                           command=args.command, need=need))
    return user
