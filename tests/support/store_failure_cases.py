"""Data for the store failure tests (tests/data/store/test_store_failures.py), importable
by the process those tests start as another user."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def rounds(day: dt.date = dt.date(2021, 9, 18)) -> pd.DataFrame:
    """One testing round in the small areas (tests.support.ingest_files)."""
    return pd.DataFrame({"ward_code": ["90001"], "block_code": ["TDP01"], "date": [day],
                         "samples": [12]})


def said_both(exc, *parts: str) -> None:
    """Both languages said, the English holding `parts`, the Vietnamese translated."""
    from tests.support.said_checks import untranslated

    english = exc.text("en")
    assert all(p in english for p in parts), english
    assert exc.text("vi") != english and untranslated(exc) == [], exc.text("vi")


def cli_args(url: str, *argv: str, lang: str = "en") -> list:
    """`--db url --lang lang argv…` for cli.main."""
    return ["--db", url, "--lang", lang, *argv]
