"""Tokens of the HTTP API (`cli.py token …`): each belongs to an account and carries some of
the actions of its role (its scope, `read` by default), so a token never does more than its
account may. A token is shown once, when made; the store keeps only its SHA-256, so
neither the store nor a backup gives one away. Revoking keeps the row (and its name, which
is never reused), so the audit log's entries keep meaning. Every change is audited in the
same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from data.config import access
from data.store import audit
from data.store.accounts import User, from_row
from data.store.schema import api_tokens, users
from zones.problems import Unsaid

PREFIX = "vx_"  # says what a leaked string is, as GitHub's ghp_ does
_NAME = re.compile(r"[A-Za-z0-9_.@+-]{1,64}")
_TOKEN = re.compile(r"vx_[A-Za-z0-9_-]{20,100}")


class TokenError(Unsaid):
    """A token change that cannot be done (zones.problems.Unsaid)."""


@dataclass(frozen=True)
class Token:
    name: str
    user_name: str
    scope: frozenset[str]
    created_at: dt.datetime
    revoked: bool


@dataclass(frozen=True)
class Bearer:
    """Who a valid token speaks for: its account (as it is now) and its scope."""

    token: str  # the token's name
    user: User
    scope: frozenset[str]

    def can(self, action: str) -> bool:
        return action in self.scope and self.user.can(action)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _scope(text: str | None, user: User) -> frozenset[str]:
    actions = frozenset(a.strip() for a in (text or "read").split(",") if a.strip())
    allowed = access.ACTIONS[user.role]
    if not actions or not actions <= allowed:
        raise TokenError("tokens.bad_scope", scope=repr(text), role=user.role,
                         allowed=", ".join(sorted(allowed)))
    return actions


def add_token(store, name: str, user_name: str, scope: str | None, *, actor: str) -> str:
    """Make the token `name` for the account `user_name`; returns the token (never stored)."""
    if not _NAME.fullmatch(name or ""):
        raise TokenError("tokens.bad_name", name=repr(name))
    token = PREFIX + secrets.token_urlsafe(32)
    with store.write() as c:
        row = c.execute(select(users).where(users.c.name == user_name)).first()
        if row is None or row.disabled:
            raise TokenError("tokens.no_user", name=repr(user_name))
        actions = _scope(scope, from_row(row))
        if c.execute(select(api_tokens.c.name).where(api_tokens.c.name == name)).first():
            raise TokenError("tokens.exists", name=repr(name))
        c.execute(api_tokens.insert().values(
            name=name, token_hash=digest(token), user_name=user_name,
            scope=",".join(sorted(actions)), created_at=dt.datetime.now(dt.UTC),
            created_by=actor))
        audit.record(c, actor, "token.add", name, user=user_name, scope=sorted(actions))
    return token


def revoke_token(store, name: str, *, actor: str) -> None:
    with store.write() as c:
        done = c.execute(update(api_tokens)
                         .where(api_tokens.c.name == name, api_tokens.c.revoked_at.is_(None))
                         .values(revoked_at=dt.datetime.now(dt.UTC)))
        if done.rowcount != 1:
            raise TokenError("tokens.no_token", name=repr(name))
        audit.record(c, actor, "token.revoke", name)


def list_tokens(store) -> list[Token]:
    with store.engine.connect() as c:
        rows = c.execute(select(api_tokens).order_by(api_tokens.c.name)).all()
    return [Token(r.name, r.user_name, frozenset(r.scope.split(",")), r.created_at,
                  r.revoked_at is not None) for r in rows]


def bearer(store, token: str | None) -> Bearer | None:
    """The holder of `token` if it is a token made here, not revoked, whose account is
    still enabled; else None. Malformed strings are turned away before the store is asked."""
    if not token or not _TOKEN.fullmatch(token):
        return None
    q = (select(api_tokens.c.name.label("token_name"),
                api_tokens.c.scope.label("token_scope"), users)
         .join(users, users.c.name == api_tokens.c.user_name)
         .where(api_tokens.c.token_hash == digest(token), api_tokens.c.revoked_at.is_(None)))
    with store.engine.connect() as c:
        row = c.execute(q).first()
    if row is None or row.disabled:
        return None
    return Bearer(row.token_name, from_row(row), frozenset(row.token_scope.split(",")))
