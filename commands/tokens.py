"""`token`: HTTP API tokens (add, list, revoke). `add` prints the token once: the store
keeps only its hash."""

from __future__ import annotations

import getpass

from commands.common import EXIT_OK, EXIT_REJECTED, say
from i18n import t


def register(sub) -> None:
    s = sub.add_parser("token", help="HTTP API tokens: add, list, revoke")
    tokens = s.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = tokens.add_parser("add", help="make a token for an account; prints it once")
    a.add_argument("name")
    a.add_argument("--user", required=True, help="the account the token acts as")
    a.add_argument("--scope", help="comma-separated actions of the account's role the "
                                   "token may take (default: read)")
    tokens.add_parser("list", help="list tokens (never the tokens themselves)")
    tokens.add_parser("revoke", help="revoke a token at once").add_argument("name")
    s.set_defaults(handler=run)


def _actor(args) -> str:
    """The logged-in account (the store has accounts, as a token needs one); never
    --user, which names the token's account, not who makes it."""
    return args.login.name if args.login is not None else getpass.getuser()


def run(args, store, policy) -> int:
    from data.store import tokens

    try:
        if args.action == "add":
            print(tokens.add_token(store, args.name, args.user, args.scope, actor=_actor(args)))
            say("cli.token.shown_once", args.lang, err=True)
        elif args.action == "revoke":
            tokens.revoke_token(store, args.name, actor=_actor(args))
    except tokens.TokenError as exc:
        say("cli.token.refused", args.lang, err=True, error=exc.text(args.lang))
        return EXIT_REJECTED
    if args.action == "list":
        for k in tokens.list_tokens(store):
            state = t("cli.token.revoked" if k.revoked else "cli.token.active", args.lang)
            print(f"{k.name}\t{k.user_name}\t{','.join(sorted(k.scope))}\t"
                  f"{k.created_at:%Y-%m-%d}\t{state}")
    return EXIT_OK
