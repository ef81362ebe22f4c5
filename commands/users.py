"""`user`: accounts (add, set-role, set-wards, set-password, disable, list)."""

from __future__ import annotations

from commands.common import EXIT_OK, EXIT_REJECTED, say
from commands.session import actor, new_password
from data.config.access import ROLES
from i18n import t


def register(sub) -> None:
    s = sub.add_parser("user", help="accounts: add, set-role, set-wards, disable, list")
    users = s.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = users.add_parser("add", help="add an account (the first one must be an admin)")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--wards", help="comma-separated ward codes a reporter reports for")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    a.set_defaults(creates_store=True)  # accounts may come before the areas
    a = users.add_parser("set-role", help="change an account's role")
    a.add_argument("name")
    a.add_argument("--role", required=True, choices=ROLES)
    a = users.add_parser("set-wards", help="set the wards a reporter reports for")
    a.add_argument("name")
    a.add_argument("--wards", required=True, help="comma-separated ward codes")
    a = users.add_parser("set-password", help="set an account's password")
    a.add_argument("name")
    a.add_argument("--password-stdin", action="store_true")
    users.add_parser("disable", help="disable an account (kept for the audit log)") \
        .add_argument("name")
    users.add_parser("list", help="list accounts")
    s.set_defaults(handler=run)


def _change(args, store, auth) -> None:
    """Make the change the action names (`list` changes nothing)."""
    who, name, command = actor(args), getattr(args, "name", None), args.user_command
    if command == "add":
        auth.add_user(store, name, args.role, new_password(args),
                      wards=auth.ward_codes(args.wards), actor=who)
    elif command == "set-role":
        auth.set_role(store, name, args.role, actor=who)
    elif command == "set-wards":
        auth.set_wards(store, name, auth.ward_codes(args.wards), actor=who)
    elif command == "set-password":
        auth.set_password(store, name, new_password(args), actor=who)
    elif command == "disable":
        auth.disable_user(store, name, actor=who)


def run(args, store, policy) -> int:
    from data.store import accounts as auth

    try:
        _change(args, store, auth)
    except auth.AuthError as exc:
        say("cli.user.refused", args.lang, err=True, error=exc.text(args.lang))
        return EXIT_REJECTED
    name = getattr(args, "name", None)
    for u in auth.list_users(store):
        if args.user_command == "list" or u.name == name:
            state = t("cli.user.disabled" if u.disabled else "cli.user.active", args.lang)
            print(f"{u.name}\t{u.role}\t{','.join(sorted(u.wards)) or '-'}\t{state}")
    return EXIT_OK
