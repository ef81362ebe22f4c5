"""Ward codes of accounts pad as GSO codes (zones.codes.pad_code): ASCII digits only; a code
written in other digits is refused, naming it, through the API and the CLI."""

from __future__ import annotations

import io

import pytest

from cli import main
from data.store import accounts
from data.store.database import Store
from tests.support.ingest_files import load_small_areas

PW = "correct horse battery"


@pytest.mark.parametrize(("text", "codes"), [
    ("9541, 09542", ["09541", "09542"]), ("90001,90001", ["90001"]), ("", []), (None, []),
    ("123456", ["123456"]), ("W1", ["W1"]),
])
def test_ward_codes_pad_ascii_digits(text, codes):
    assert accounts.ward_codes(text) == codes


@pytest.mark.parametrize("text", ["٩٥٤١", "９５４１", "90001,٩٠٠٠٢", "9٥41"])
def test_ward_codes_in_other_digits_are_refused(text):
    with pytest.raises(accounts.AuthError, match="digits other than 0–9") as exc:
        accounts.ward_codes(text)
    assert "0–9" in exc.value.text("vi") and "chữ số" in exc.value.text("vi")


def test_the_cli_refuses_them_naming_the_code(sqlite_url, monkeypatch, capsys):
    store = Store(sqlite_url)
    load_small_areas(store)
    store.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    assert main(["--db", sqlite_url, "--lang", "en", "user", "add", "lan", "--role", "admin",
                 "--wards", "٩٠٠٠١", "--password-stdin"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("user: ward codes '٩٠٠٠١': digits other than 0–9")
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    assert main(["--db", sqlite_url, "user", "add", "lan", "--role", "admin",
                 "--wards", "9541", "--password-stdin"]) == 0
    assert capsys.readouterr().out == "lan\tadmin\t09541\tđang dùng\n"


def test_account_errors_speak_the_language_given(sqlite_url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--db", sqlite_url, "user", "add", "boss", "--role", "admin",
                 "--password-stdin"]) == 1
    assert "mật khẩu: ít nhất 8 ký tự" in capsys.readouterr().err
