"""Accounts of the embedded login: users with a role and, for reporters, the wards they
report for; salted argon2id password hashes (argon2-cffi), never passwords.

Roles and what each may do are data.config.access's: viewer (read), reporter (upload for
their own wards), coordinator (testing rounds, schedules and exports), admin (everything:
users, policy, targets, areas, any ward).
With no account in the store the tool runs in single-user local mode (see README).
Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from data.config import access
from data.store import audit
from data.store.schema import auth_sessions, users
from zones.codes import pad_code
from zones.problems import Unsaid

_NAME = re.compile(r"[A-Za-z0-9_.@+-]{1,64}")  # also an OpenID Connect e-mail address
_HASHER = PasswordHasher()  # argon2id with the library's current parameters and salt


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name costs as long as a
    wrong password and timing does not tell which names exist. Made on first use: hashing
    is slow on purpose, and a dashboard without accounts never needs it."""
    return _HASHER.hash("not a password of anyone")


class AuthError(Unsaid):
    """An account change or login that cannot be done (zones.problems.Unsaid)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    wards: frozenset[str]  # a reporter's wards; ignored for other roles
    disabled: bool = False

    def can(self, action: str) -> bool:
        return not self.disabled and action in access.ACTIONS.get(self.role, ())

    @property
    def allowed_wards(self) -> set[str] | None:
        """Wards this user may upload for: None means every ward (admin)."""
        if not self.can("upload"):
            return set()
        return None if self.role == "admin" else set(self.wards)


def from_row(row) -> User:
    """The User of a `users` row (data.store.sessions reads them joined to its own)."""
    wards = frozenset(w for w in row.wards.split(",") if w)
    return User(row.name, row.role, wards, bool(row.disabled))


def ward_codes(text: str | None) -> list[str]:
    """`9541, 09542` → ['09541', '09542']: GSO codes padded as in a zone file. Digits that
    are not ASCII (`٩٥٤١`, full-width) are refused: no code is written with them."""
    codes = [c.strip() for c in (text or "").split(",") if c.strip()]
    bad = [c for c in codes if c.isdigit() and not c.isascii()]
    if bad:
        raise AuthError("accounts.not_ascii_digits", codes=", ".join(map(repr, bad)))
    return sorted({pad_code(c) or c for c in codes})


def has_accounts(store) -> bool:
    with store.engine.connect() as c:
        return c.execute(select(func.count()).select_from(users)).scalar_one() > 0


def get_user(store, name: str) -> User | None:
    with store.engine.connect() as c:
        row = c.execute(select(users).where(users.c.name == name)).first()
    return None if row is None else from_row(row)


def list_users(store) -> list[User]:
    with store.engine.connect() as c:
        return [from_row(r) for r in c.execute(select(users).order_by(users.c.name))]


def authenticate(store, name: str, password: str) -> User | None:
    """The user if the name and password match an enabled account, else None."""
    with store.engine.connect() as c:
        row = c.execute(select(users).where(users.c.name == name)).first()
    try:
        _HASHER.verify(row.password_hash if row is not None else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled:
        return None
    return from_row(row)


def _check(store, role: str | None, wards: list[str] | None) -> None:
    if role is not None and role not in access.ROLES:
        raise AuthError("accounts.unknown_role", role=repr(role),
                        roles=", ".join(access.ROLES))
    unknown = sorted(set(wards or ()) - set(store.known_areas()))
    if unknown:
        raise AuthError("accounts.unknown_wards", codes=", ".join(unknown))


def _refuse_taken(c, name: str) -> None:
    """Refuse a new account `name` that is taken, or that differs from an account only in
    case (`ADMIN` beside `admin`: two accounts a person cannot tell apart, and OpenID
    Connect looks names up lower-cased). Names are ASCII, so SQL's lower() is casefold."""
    taken = c.execute(select(users.c.name).where(func.lower(users.c.name) == name.lower())
                      .order_by(users.c.name)).scalars().all()
    if name in taken:
        raise AuthError("accounts.exists", name=repr(name))
    if taken:
        raise AuthError("accounts.exists_case", name=repr(name), other=repr(taken[0]))


def add_user(store, name: str, role: str, password: str, *, wards: list[str] = (),
             actor: str) -> User:
    if not _NAME.fullmatch(name):
        raise AuthError("accounts.bad_name", name=repr(name))
    if len(password) < 8:
        raise AuthError("accounts.short_password")
    wards = ward_codes(",".join(wards))
    _check(store, role, wards)
    now = dt.datetime.now(dt.UTC)
    with store.write() as c:
        _refuse_taken(c, name)
        c.execute(users.insert().values(
            name=name, role=role, wards=",".join(wards), password_hash=_HASHER.hash(password),
            disabled=False, created_at=now, updated_at=now))
        audit.record(c, actor, "user.add", name, now=now, role=role, wards=list(wards))
    return User(name, role, frozenset(wards))


def _update(store, name: str, action: str, actor: str, *, end_sessions: bool = False,
            **values) -> None:
    """Change an account; `end_sessions` also signs it out of every dashboard session
    (data.store.sessions), as a new password or disabling it should."""
    now = dt.datetime.now(dt.UTC)
    with store.write() as c:
        done = c.execute(users.update().where(users.c.name == name)
                         .values(updated_at=now, **values)).rowcount
        if not done:
            raise AuthError("accounts.no_user", name=repr(name))
        if end_sessions:
            c.execute(auth_sessions.update().where(auth_sessions.c.user_name == name,
                                                   auth_sessions.c.revoked_at.is_(None))
                      .values(revoked_at=now))
        detail = {k: v for k, v in values.items() if k != "password_hash"}
        audit.record(c, actor, action, name, now=now, **detail)


def set_role(store, name: str, role: str, *, actor: str) -> None:
    _check(store, role, None)
    _update(store, name, "user.set_role", actor, role=role)


def set_wards(store, name: str, wards: list[str], *, actor: str) -> None:
    wards = ward_codes(",".join(wards))
    _check(store, None, wards)
    _update(store, name, "user.set_wards", actor, wards=",".join(wards))


def set_password(store, name: str, password: str, *, actor: str) -> None:
    if len(password) < 8:
        raise AuthError("accounts.short_password")
    _update(store, name, "user.set_password", actor, end_sessions=True,
            password_hash=_HASHER.hash(password))


def disable_user(store, name: str, *, actor: str) -> None:
    _update(store, name, "user.disable", actor, end_sessions=True, disabled=True)
