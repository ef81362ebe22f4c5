"""Against guessing passwords, kept in the store (not in one browser session, which a
reload would end): every dashboard sign-in attempt is counted under the account name
typed and under the client's address (data.config.clients), and MAX_FAILURES of them
within WINDOW_SECONDS lock that name, or that address, for LOCK_SECONDS after the last.

An attempt is counted *before* its password is checked, in one transaction with the
check of the lock (serialised per key), so many attempts at once cannot slip past the
limit; a right password then takes its own attempt back and clears the account's count.
Address failures are never cleared by a success: an account of one's own must not reset
the count of the address one guesses others' passwords from.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, delete, func, or_, select

from data.store.engine import lock_for_write
from data.store.schema import auth_failures

MAX_FAILURES, WINDOW_SECONDS, LOCK_SECONDS = 5, 900, 300
LOCK_SIGN_IN = 0x5658_0010  # advisory-lock namespace of the attempt counts (PostgreSQL)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _aware(value) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones)."""
    value = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _keys(name: str | None, address: str | None) -> list[tuple[str, str]]:
    keys = [] if name is None else [("account", name)]
    return keys + ([("address", address)] if address else [])


def _wait(c, keys: list[tuple[str, str]], now: dt.datetime) -> float:
    since = now - dt.timedelta(seconds=WINDOW_SECONDS)
    wait = 0.0
    for kind, key in keys:
        count, last = c.execute(
            select(func.count(), func.max(auth_failures.c.at)).where(
                auth_failures.c.kind == kind, auth_failures.c.key == key,
                auth_failures.c.at > since)).one()
        if count >= MAX_FAILURES:
            left = (_aware(last) + dt.timedelta(seconds=LOCK_SECONDS) - now).total_seconds()
            wait = max(wait, left)
    return wait


def locked_for(store, name: str | None, address: str | None,
               now: dt.datetime | None = None) -> float:
    """Seconds before `name` (None: any name) may be tried from `address` (None: not
    known) again; 0 when it may now."""
    with store.engine.connect() as c:
        return _wait(c, _keys(name, address), _now(now))


def begin_attempt(store, name: str, address: str | None,
                  now: dt.datetime | None = None) -> tuple[float, list[int]]:
    """Count an attempt at `name` from `address` unless either is locked: (0, the ids of
    the rows counting it) to go on and check the password, or (seconds locked, [])."""
    now = _now(now)
    keys = _keys(name, address)
    with store.write() as c:
        lock_for_write(c, [f"{kind}:{key}" for kind, key in keys], LOCK_SIGN_IN)
        wait = _wait(c, keys, now)
        if wait > 0:
            return wait, []
        c.execute(delete(auth_failures).where(
            auth_failures.c.at < now - dt.timedelta(seconds=WINDOW_SECONDS)))
        ids = [c.execute(auth_failures.insert().values(kind=kind, key=key, at=now))
               .inserted_primary_key[0] for kind, key in keys]
    return 0.0, ids


def succeeded(store, name: str, attempt: list[int]) -> None:
    """The password was right: take this attempt back and clear the account's count."""
    with store.write() as c:
        c.execute(delete(auth_failures).where(or_(
            auth_failures.c.id.in_(attempt),
            and_(auth_failures.c.kind == "account", auth_failures.c.key == name))))
