"""Accounts, roles and ward scope: through the API (the dashboard's) and the CLI."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from cli import main
from data.ingest.zone_file import ingest_file
from data.store import accounts, audit
from data.store.schema import users
from tests.support.ingest_files import POLICY, TODAY, load_small_areas, row, zone_csv

PW = "correct horse battery"


@pytest.fixture
def areas(store):
    load_small_areas(store)
    return store


def test_roles_and_what_they_may_do():
    viewer = accounts.User("v", "viewer", frozenset())
    reporter = accounts.User("r", "reporter", frozenset({"90001"}))
    admin = accounts.User("a", "admin", frozenset())
    assert viewer.can("read") and not viewer.can("upload") and viewer.allowed_wards == set()
    assert reporter.can("upload") and not reporter.can("users")
    assert reporter.allowed_wards == {"90001"}
    assert admin.can("users") and admin.allowed_wards is None
    assert not accounts.User("x", "admin", frozenset(), disabled=True).can("read")
    assert not accounts.User("c", "coordinator", frozenset()).can("upload")


def test_password_is_stored_as_a_salted_argon2_hash(areas):
    accounts.add_user(areas, "lan", "reporter", PW, wards=["90001"], actor="setup")
    accounts.add_user(areas, "minh", "reporter", PW, wards=["90002"], actor="setup")
    with areas.engine.connect() as c:
        hashes = [h for (h,) in c.execute(select(users.c.password_hash))]
    assert all(h.startswith("$argon2id$") and PW not in h for h in hashes)
    assert hashes[0] != hashes[1]  # same password, different salt


def test_authenticate(areas):
    accounts.add_user(areas, "lan", "reporter", PW, wards=["9541"], actor="setup")
    user = accounts.authenticate(areas, "lan", PW)
    assert user is not None and user.wards == {"09541"} and user.role == "reporter"
    assert accounts.authenticate(areas, "lan", PW + "x") is None
    assert accounts.authenticate(areas, "nobody", PW) is None
    accounts.disable_user(areas, "lan", actor="admin")
    assert accounts.authenticate(areas, "lan", PW) is None


@pytest.mark.parametrize(("name", "role", "wards", "pw", "says"), [
    ("bad name!", "viewer", [], PW, "user name"),
    ("ok", "boss", [], PW, "unknown role"),
    ("ok", "reporter", ["12345"], PW, "unknown ward codes: 12345"),
    ("ok", "viewer", [], "short", "at least 8"),
])
def test_bad_account_changes_are_refused(areas, name, role, wards, pw, says):
    with pytest.raises(accounts.AuthError, match=says):
        accounts.add_user(areas, name, role, pw, wards=wards, actor="setup")
    assert not accounts.has_accounts(areas)


def test_reporter_file_with_other_wards_is_rejected_naming_the_rows(areas):
    before = areas.table_counts()
    raw = zone_csv([row(), row(ward="90002", block=""), row(ward="9541", block="TDP01")])
    report, outcome = ingest_file(areas, raw, "f.csv", user="lan", today=TODAY, policy=POLICY,
                                  allowed_wards={"90001"})
    assert outcome is None and not report.accepted
    assert [(p.row, p.column, p.value) for p in report.errors] == [
        (3, "ward_code", "90002"), (4, "ward_code", "9541")]
    assert "not one of yours" in report.errors[0].reason and "90001" in report.errors[0].reason
    assert "phạm vi" in report.errors[0].reason_vi
    assert areas.table_counts() == before


def test_user_without_upload_right_stores_nothing_even_an_empty_file(areas):
    raw = zone_csv([])
    report, outcome = ingest_file(areas, raw, "f.csv", user="v", today=TODAY, policy=POLICY,
                                  allowed_wards=set())
    assert outcome is None and report.errors[0].row is None


def test_user_changes_are_audited(areas):
    accounts.add_user(areas, "lan", "reporter", PW, wards=["90001"], actor="boss")
    accounts.set_wards(areas, "lan", ["90001", "90002"], actor="boss")
    accounts.set_role(areas, "lan", "coordinator", actor="boss")
    accounts.set_password(areas, "lan", PW + "2", actor="boss")
    log = audit.entries(areas)
    assert list(log["action"])[::-1] == ["user.add", "user.set_wards", "user.set_role",
                                         "user.set_password"]
    assert set(log["actor"]) == {"boss"} and set(log["target"]) == {"lan"}
    assert all("argon2" not in d for d in log["detail_json"])


# ---- the CLI ------------------------------------------------------------------------

def _cli(url, *args, password=PW, stdin="", monkeypatch=None, as_user=None):
    monkeypatch.setenv("VUNGXANH_PASSWORD", password)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    head = ["--db", url] + (["--as-user", as_user] if as_user else [])
    return main([*head, *args])


def _counts(url):
    from data.store.database import Store

    s = Store(url)
    try:
        return s.table_counts()
    finally:
        s.dispose()


def _setup_accounts(url, mp):
    assert _cli(url, "user", "add", "boss", "--role", "admin", "--password-stdin",
                stdin=PW + "\n", monkeypatch=mp) == 0
    assert _cli(url, "user", "add", "lan", "--role", "reporter", "--wards", "90001",
                "--password-stdin", stdin=PW + "\n", monkeypatch=mp, as_user="boss") == 0


def test_local_mode_needs_no_login_and_first_account_must_be_admin(small_areas_url, tmp_path,
                                                                   monkeypatch):
    f = tmp_path / "a.csv"
    f.write_bytes(zone_csv([row()]))
    assert _cli(small_areas_url, "ingest", str(f), monkeypatch=monkeypatch) == 0
    assert _cli(small_areas_url, "user", "add", "lan", "--role", "reporter", "--wards", "90001",
                "--password-stdin", stdin=PW + "\n", monkeypatch=monkeypatch) == 2


def test_reporter_for_ward_a_cannot_store_anything_for_ward_b(small_areas_url, tmp_path,
                                                              monkeypatch, capsys):
    _setup_accounts(small_areas_url, monkeypatch)
    other = tmp_path / "b.csv"
    other.write_bytes(zone_csv([row(ward="90002", block="")]))
    mixed = tmp_path / "ab.csv"
    mixed.write_bytes(zone_csv([row(), row(ward="90002", block="", date="18/09/2021")]))
    before = _counts(small_areas_url)
    capsys.readouterr()
    for f in (other, mixed):
        assert _cli(small_areas_url, "ingest", str(f), monkeypatch=monkeypatch, as_user="lan") == 1
    assert "90002" in capsys.readouterr().out
    assert _counts(small_areas_url) == before
    # Nor by claiming another name, a wrong password, or no login at all.
    assert _cli(small_areas_url, "ingest", str(other), monkeypatch=monkeypatch) == 2
    wrong = "guess"  # a wrong password on purpose
    assert _cli(small_areas_url, "ingest", str(other), password=wrong, monkeypatch=monkeypatch,
                as_user="boss") == 2
    assert _counts(small_areas_url) == before
    own = tmp_path / "a.csv"
    own.write_bytes(zone_csv([row()]))
    assert _cli(small_areas_url, "ingest", str(own), monkeypatch=monkeypatch, as_user="lan") == 0


def test_roles_gate_commands(small_areas_url, monkeypatch):
    _setup_accounts(small_areas_url, monkeypatch)
    assert _cli(small_areas_url, "user", "list", monkeypatch=monkeypatch, as_user="lan") == 2
    assert _cli(small_areas_url, "audit", monkeypatch=monkeypatch, as_user="lan") == 2
    assert _cli(small_areas_url, "user", "disable", "lan", monkeypatch=monkeypatch,
                as_user="boss") == 0
    assert _cli(small_areas_url, "trends", "--from", "2021-09-01", "--to", "2021-09-02",
                monkeypatch=monkeypatch, as_user="lan") == 2  # disabled


def test_audit_export_by_admin(small_areas_url, tmp_path, monkeypatch):
    _setup_accounts(small_areas_url, monkeypatch)
    out = tmp_path / "audit.json"
    assert _cli(small_areas_url, "audit", "--format", "json", "-o", str(out),
                monkeypatch=monkeypatch, as_user="boss") == 0
    actions = [e["action"] for e in json.loads(out.read_text(encoding="utf-8"))]
    assert actions == ["user.add", "user.add"]
