"""Dashboard sign-ins kept in the store (issue #21, finding 4), on SQLite and PostgreSQL:
signed cookies that a forger cannot make, one-time tokens, expiry and revocation, the
key from the deployment or kept in the store; and the lockout by account name and by
client address that a reload does not reset."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from data.store import accounts, lockout, sessions
from data.store.schema import auth_failures, auth_secrets, auth_sessions
from tests.support.ingest_files import load_small_areas

PW = "correct horse battery"
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
KEY = b"k" * 32


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def people(store):
    load_small_areas(store)
    accounts.add_user(store, "lan", "reporter", PW, wards=["90001"], actor="setup")
    accounts.add_user(store, "minh", "viewer", PW, actor="setup")
    return store


def _signed_in(store, name="lan", now=T0) -> tuple[int, str]:
    """A session of `name` whose token the browser swapped: (row id, cookie value)."""
    row_id, token = sessions.start(store, name, now=now)
    sid, _ends = sessions.redeem(store, token, now=now)
    return row_id, sessions.sign(KEY, sid)


# ---- signing ----------------------------------------------------------------------------


def test_a_signed_cookie_is_accepted_and_any_change_refused():
    cookie = sessions.sign(KEY, "A" * 43)
    assert sessions.verify(KEY, cookie) == "A" * 43
    sid, _, mac = cookie.partition(".")
    assert sessions.verify(b"x" * 32, cookie) is None  # another key
    assert sessions.verify(KEY, "B" + cookie[1:]) is None  # another id, same signature
    assert sessions.verify(KEY, f"{sid}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}") is None
    for junk in (None, "", ".", sid, f"{sid}.", f".{mac}", "a.b", "é" * 30 + "." + mac):
        assert sessions.verify(KEY, junk) is None


def test_the_key_comes_from_the_deployment_or_is_kept_in_the_store(store, monkeypatch,
                                                                   tmp_path):
    assert sessions.secret(store, create=False) is None  # a reader makes none
    made = sessions.secret(store)
    assert sessions.secret(store, create=False) == made
    assert len(made) == 32 and sessions.secret(store) == made  # made once, then kept
    with store.engine.connect() as c:
        assert c.execute(select(auth_secrets.c.name)).scalars().all() == ["session"]
    monkeypatch.setenv("VUNGXANH_SESSION_SECRET_FILE", str(tmp_path / "key"))
    with pytest.raises(sessions.SessionError, match="cannot be read"):
        sessions.secret(store)
    (tmp_path / "key").write_text("f" * 40 + "\n", encoding="utf-8")
    assert sessions.secret(store) == b"f" * 40
    monkeypatch.setenv("VUNGXANH_SESSION_SECRET", "s" * 32)  # wins over the file
    assert sessions.secret(store) == b"s" * 32
    monkeypatch.setenv("VUNGXANH_SESSION_SECRET", "too short")
    with pytest.raises(sessions.SessionError, match="shorter than 32"):
        sessions.secret(store)


@pytest.mark.parametrize(("hours", "ok"), [("8", True), ("0.5", True), ("0", False),
                                           ("-1", False), ("eight", False), ("1e9", False)])
def test_the_lifetime_setting(monkeypatch, hours, ok):
    monkeypatch.setenv("VUNGXANH_SESSION_HOURS", hours)
    if ok:
        assert sessions.lifetime() == dt.timedelta(hours=float(hours))
    else:
        with pytest.raises(sessions.SessionError, match="VUNGXANH_SESSION_HOURS"):
            sessions.lifetime()


# ---- sessions in the store ---------------------------------------------------------------


def test_a_token_is_swapped_once_and_in_time(people):
    row_id, token = sessions.start(people, "lan", now=T0)
    assert sessions.redeem(people, token, now=_at(sessions.TOKEN_SECONDS + 1)) is None
    row_id, token = sessions.start(people, "lan", now=T0)
    sid, ends = sessions.redeem(people, token, now=_at(5))
    assert ends == T0 + dt.timedelta(hours=8)
    assert sessions.redeem(people, token, now=_at(6)) is None  # used up
    assert sessions.redeem(people, "x" * 43, now=_at(6)) is None
    found = sessions.user_of(people, sid=sid, now=_at(7))
    assert found is not None and found[0] == row_id and found[1].name == "lan"
    assert sessions.user_of(people, row_id=row_id, now=_at(7))[1].wards == {"90001"}


def test_the_store_keeps_only_hashes(people):
    _row_id, token = sessions.start(people, "lan", now=T0)
    sid, _ = sessions.redeem(people, token, now=T0)
    with people.engine.connect() as c:
        stored = " ".join(str(v) for v in c.execute(select(auth_sessions)).one())
    assert sid not in stored and token not in stored


def test_a_session_ends_when_it_expires_or_is_revoked(people, monkeypatch):
    monkeypatch.setenv("VUNGXANH_SESSION_HOURS", "2")
    row_id, cookie = _signed_in(people)
    sid = sessions.verify(KEY, cookie)
    assert sessions.user_of(people, sid=sid, now=_at(2 * 3600 - 1)) is not None
    assert sessions.user_of(people, sid=sid, now=_at(2 * 3600)) is None  # expired
    row_id, cookie = _signed_in(people)
    other, _ = _signed_in(people, "minh")
    sessions.revoke(people, row_id, now=_at(10))
    assert sessions.user_of(people, sid=sessions.verify(KEY, cookie), now=_at(11)) is None
    assert sessions.user_of(people, row_id=row_id, now=_at(11)) is None
    assert sessions.user_of(people, row_id=other, now=_at(11)) is not None  # not theirs
    new, _ = sessions.start(people, "minh", now=_at(3 * 3600))  # clears the expired rows
    with people.engine.connect() as c:
        assert c.execute(select(auth_sessions.c.id)).scalars().all() == [new]


def test_a_new_password_or_a_disabled_account_ends_its_sessions(people):
    now = dt.datetime.now(dt.UTC)
    lan, _ = _signed_in(people, now=now)
    minh, _ = _signed_in(people, "minh", now=now)
    accounts.set_password(people, "lan", PW + "!", actor="setup")
    assert sessions.user_of(people, row_id=lan) is None
    assert sessions.user_of(people, row_id=minh) is not None
    accounts.disable_user(people, "minh", actor="setup")
    assert sessions.user_of(people, row_id=minh) is None


def test_a_role_change_shows_in_the_session_at_once(people):
    row_id, _ = _signed_in(people, now=dt.datetime.now(dt.UTC))
    accounts.set_role(people, "lan", "coordinator", actor="setup")
    assert sessions.user_of(people, row_id=row_id)[1].role == "coordinator"


# ---- the lockout -------------------------------------------------------------------------


def _fail(store, name, address, now):
    wait, attempt = lockout.begin_attempt(store, name, address, now=now)
    assert wait == 0 and attempt
    return attempt


def test_five_failures_lock_the_account_from_any_address(store):
    for i in range(lockout.MAX_FAILURES):
        _fail(store, "lan", f"198.51.100.{i}", _at(i))  # a new address each time
    assert lockout.locked_for(store, "lan", None, now=_at(5)) == pytest.approx(
        lockout.LOCK_SECONDS - 1)
    wait, attempt = lockout.begin_attempt(store, "lan", "203.0.113.9", now=_at(5))
    assert wait > 0 and attempt == []  # refused unheard, and not counted
    assert lockout.locked_for(store, "minh", "203.0.113.9", now=_at(5)) == 0
    assert lockout.locked_for(store, "lan", None, now=_at(4 + lockout.LOCK_SECONDS)) == 0


def test_five_failures_lock_the_address_for_any_account(store):
    for i in range(lockout.MAX_FAILURES):
        _fail(store, f"guess{i}", "203.0.113.9", _at(i))
    assert lockout.locked_for(store, None, "203.0.113.9", now=_at(5)) > 0
    assert lockout.locked_for(store, "lan", "203.0.113.9", now=_at(5)) > 0
    assert lockout.locked_for(store, "lan", "203.0.113.10", now=_at(5)) == 0
    assert lockout.locked_for(store, "lan", None, now=_at(5)) == 0


def test_after_a_lock_each_further_failure_in_the_window_locks_again(store):
    for i in range(lockout.MAX_FAILURES):
        _fail(store, "lan", None, _at(i))
    again = _at(4 + lockout.LOCK_SECONDS + 1)
    _fail(store, "lan", None, again)
    assert lockout.locked_for(store, "lan", None, now=again) == lockout.LOCK_SECONDS
    late = _at(4 + lockout.WINDOW_SECONDS + 1)  # the first five have left the window
    assert lockout.locked_for(store, "lan", None, now=late) == 0


def test_a_success_clears_the_account_but_not_the_address(store):
    for i in range(lockout.MAX_FAILURES - 1):
        _fail(store, "lan", "203.0.113.9", _at(i))
    attempt = _fail(store, "lan", "203.0.113.9", _at(10))
    lockout.succeeded(store, "lan", attempt)
    assert lockout.locked_for(store, "lan", None, now=_at(11)) == 0
    with store.engine.connect() as c:
        kinds = c.execute(select(auth_failures.c.kind)).scalars().all()
    assert kinds == ["address"] * (lockout.MAX_FAILURES - 1)
    _fail(store, "minh", "203.0.113.9", _at(12))  # the fifth from there
    assert lockout.locked_for(store, None, "203.0.113.9", now=_at(13)) > 0


def test_old_failures_are_forgotten(store):
    _fail(store, "lan", "203.0.113.9", T0)
    _fail(store, "minh", None, _at(lockout.WINDOW_SECONDS + 1))
    with store.engine.connect() as c:
        assert c.execute(select(auth_failures.c.key)).scalars().all() == ["minh"]
