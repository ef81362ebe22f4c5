"""Dashboard sign-ins that outlive a page: a reload, a typed URL or a new tab keeps them
for VUNGXANH_SESSION_HOURS, and signing out ends them in every tab.

A password sign-in `start`s a session row and gets a one-time token (60 s); the browser
swaps that token (`redeem`, ui.session_routes) for an HTTP-only cookie holding a random
session id and its HMAC-SHA256 signature. Each page run `verify`s the signature and asks
`user_of` for the row: not expired, not revoked, the account still enabled. The store
keeps only SHA-256 hashes of session ids and tokens, so reading the store (or a backup)
gives no session away; the signature means a cookie made up without the key is turned
away before the store is asked, and a row written into the store is no session without it.

The key is VUNGXANH_SESSION_SECRET (or the file VUNGXANH_SESSION_SECRET_FILE names),
else one made at random on first use and kept in the store, so that every dashboard
process on one store, and a restarted one, accepts the others' cookies.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from data.config import settings
from data.store.accounts import User, from_row
from data.store.schema import auth_secrets, auth_sessions, users
from zones.problems import Unsaid

COOKIE = "vx_session"
SECRET_MIN = 32  # characters of a key the deployment gives
TOKEN_SECONDS = 60
_ID = re.compile(r"[A-Za-z0-9_-]{20,100}")  # a session id or token as made here


class SessionError(Unsaid):
    """Sign-in sessions misconfigured (a short key, a bad lifetime): said in the sidebar."""


def lifetime() -> dt.timedelta:
    text = settings.value("VUNGXANH_SESSION_HOURS")
    try:
        hours = float(text)
    except ValueError:
        hours = 0.0
    if not 0 < hours <= 24 * 366:
        raise SessionError("auth.session.bad_hours", value=repr(text))
    return dt.timedelta(hours=hours)


def configured_secret() -> bytes | None:
    """The key the deployment gives (VUNGXANH_SESSION_SECRET, else the file
    VUNGXANH_SESSION_SECRET_FILE names), None if it gives none; a short or unreadable one
    is refused."""
    text = settings.value("VUNGXANH_SESSION_SECRET")
    if not text and (path := settings.value("VUNGXANH_SESSION_SECRET_FILE")):
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except OSError:
            raise SessionError("auth.session.no_secret_file", path=repr(path)) from None
    if text and len(text) < SECRET_MIN:
        raise SessionError("auth.session.weak_secret", minimum=SECRET_MIN)
    return text.encode() if text else None


def secret(store, *, create: bool = True) -> bytes | None:
    """The key that signs session cookies (see the module's text). Without `create`, a
    store that has not made its key yet gives None (and no cookie can be valid), so that
    reading pages never writes."""
    return configured_secret() or _kept_secret(store, create)


def _kept_secret(store, create: bool) -> bytes | None:
    query = select(auth_secrets.c.value).where(auth_secrets.c.name == "session")
    with store.engine.connect() as c:
        value = c.execute(query).scalar()
    if value is None and not create:
        return None
    if value is None:
        try:
            with store.write() as c:
                c.execute(auth_secrets.insert().values(
                    name="session", value=secrets.token_hex(32),
                    created_at=dt.datetime.now(dt.UTC)))
        except IntegrityError:
            pass  # another dashboard process made it first: use theirs
        with store.engine.connect() as c:
            value = c.execute(query).scalar_one()
    return bytes.fromhex(value)


def _mac(key: bytes, sid: str) -> str:
    digest = hmac.new(key, b"vx_session:" + sid.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(key: bytes, sid: str) -> str:
    """The cookie's value: the session id and its signature."""
    return f"{sid}.{_mac(key, sid)}"


def verify(key: bytes, cookie: str | None) -> str | None:
    """The session id of a cookie signed with `key`, else None (forged, altered, junk)."""
    sid, _, mac = (cookie or "").partition(".")
    if not _ID.fullmatch(sid) or not mac:
        return None
    return sid if hmac.compare_digest(_mac(key, sid), mac) else None


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def start(store, user_name: str, now: dt.datetime | None = None) -> tuple[int, str]:
    """A new session of `user_name` (whose password was just checked): (its row id, for
    the tab that signed in, and the one-time token the browser swaps for the cookie)."""
    now, token = _now(now), secrets.token_urlsafe(32)
    expires = now + lifetime()
    with store.write() as c:
        c.execute(auth_sessions.delete().where(auth_sessions.c.expires_at < now))
        row_id = c.execute(auth_sessions.insert().values(
            token_hash=_hash(token), token_expires_at=now + dt.timedelta(seconds=TOKEN_SECONDS),
            user_name=user_name, created_at=now, expires_at=expires)).inserted_primary_key[0]
    return row_id, token


def redeem(store, token: str | None, now: dt.datetime | None = None
           ) -> tuple[str, dt.datetime] | None:
    """Swap a one-time token, once and in time, for a new session id: (the id, when the
    session ends), or None."""
    if not _ID.fullmatch(token or ""):
        return None
    now, sid, t = _now(now), secrets.token_urlsafe(32), auth_sessions.c
    with store.write() as c:
        row = c.execute(select(t.id, t.expires_at).where(
            t.token_hash == _hash(token), t.token_expires_at > now, t.revoked_at.is_(None),
            t.expires_at > now)).first()
        if row is None or c.execute(auth_sessions.update().where(
                t.id == row.id, t.token_hash == _hash(token)).values(
                sid_hash=_hash(sid), token_hash=None, token_expires_at=None)).rowcount != 1:
            return None
    ends = row.expires_at
    return sid, ends if ends.tzinfo else ends.replace(tzinfo=dt.UTC)


def user_of(store, *, sid: str | None = None, row_id: int | None = None,
            now: dt.datetime | None = None) -> tuple[int, User] | None:
    """The live session with this id (from a cookie) or row id (the tab's own) and its
    account, as the store has it now; None if it ended, was revoked or the account is
    disabled or gone."""
    if sid is None and row_id is None:
        return None
    t = auth_sessions.c
    which = t.sid_hash == _hash(sid) if sid is not None else t.id == row_id
    query = (select(t.id, users).join(users, users.c.name == t.user_name)
             .where(which, t.revoked_at.is_(None), t.expires_at > _now(now),
                    users.c.disabled.is_(False)))
    with store.engine.connect() as c:
        row = c.execute(query).first()
    return None if row is None else (row.id, from_row(row))


def revoke(store, row_id: int, now: dt.datetime | None = None) -> None:
    """End one session, in every tab that holds it (their next run finds it revoked)."""
    with store.write() as c:
        c.execute(auth_sessions.update().where(
            auth_sessions.c.id == row_id, auth_sessions.c.revoked_at.is_(None))
            .values(revoked_at=_now(now)))

