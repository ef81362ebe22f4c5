"""The message catalogue: every user-facing string, one catalogue per language.

A language's catalogue is the folder `i18n/<lang>/`: its TOML files (one per part of the
product, so that parts can be edited apart) merge into one table; a key defined twice is
an error.

`t("ingest.unknown_level", "vi", value="Vàng")` formats the Vietnamese text. Keys are
dotted paths into the TOML tables; a test checks both languages have the same keys.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_DIR = Path(__file__).resolve().parent


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = str(value)
    return out


@cache
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    merged: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            part = _flatten(tomllib.load(fh))
        twice = set(part) & set(merged)
        if twice:
            raise ValueError(f"i18n/{lang}/{path.name} repeats keys: {', '.join(sorted(twice))}")
        merged.update(part)
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for `key` in `lang`, formatted with `values`; KeyError names a missing key."""
    try:
        template = catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"message {key!r} missing from i18n/{lang}/") from None
    return template.format(**values) if values else template
