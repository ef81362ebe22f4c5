"""Data flows one way (README "Layout"): the entries and interfaces on top (`app.py`,
`cli.py`, `commands/`, `api/`, `ui/`), then `data/`, then `geo/`, then `zones/`, with the
message catalogue `i18n/` beneath them all. A package may import any package below it,
never one above it nor another one on top (only the entries assemble theirs: `app.py` its
pages in `ui/`, `cli.py` its commands in `commands/`). Nothing imports `tests/` or
`bench/` but they themselves, and only `app.py` and `ui/` import Streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import ROOT

RANK = {"app": 3, "cli": 3, "commands": 3, "api": 3, "ui": 3,
        "data": 2, "geo": 1, "zones": 0, "i18n": -1}
ENTRY_PARTS = {"app": {"ui", "api"}, "cli": {"commands"}}  # what an entry assembles
OUTSIDE = {"tests", "bench"}  # may import the product; the product never imports them
PURE_BANS = {"streamlit", "sqlalchemy"}  # zones/ is pure domain logic


def imported(source: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import, inside functions too."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module.split(".")[0]))
    return names


def package_of(rel: Path) -> str:
    return rel.stem if len(rel.parts) == 1 else rel.parts[0]


def violations(rel: Path, source: str) -> list[str]:
    """Every import in the file at `rel` (relative to the repository) against the order."""
    own = package_of(rel)
    if own not in RANK:
        return []
    bad = []
    for line, name in imported(source):
        if name == own:
            continue
        if name in OUTSIDE:
            bad.append(f"{rel}:{line} imports {name}/, which only tests and bench may")
        elif name == "streamlit" and own not in ("app", "ui"):
            bad.append(f"{rel}:{line} imports streamlit: only app.py and ui/ may")
        elif own == "zones" and name in PURE_BANS:
            bad.append(f"{rel}:{line} imports {name}: zones/ is pure")
        elif name in RANK and RANK[name] >= RANK[own] and name not in ENTRY_PARTS.get(own, ()):
            where = "above" if RANK[name] > RANK[own] else "beside"
            bad.append(f"{rel}:{line} imports {name}, which is {where} {own} in the order")
    return bad


def _product_files() -> list[Path]:
    files = [p.relative_to(ROOT) for p in ROOT.rglob("*.py")
             if not {".venv", ".git"} & set(p.relative_to(ROOT).parts)]
    return sorted(f for f in files if package_of(f) in RANK)


@pytest.mark.parametrize("rel", _product_files(), ids=str)
def test_imports_follow_the_order(rel):
    assert violations(rel, (ROOT / rel).read_text(encoding="utf-8")) == []


def test_every_layer_has_files():
    packages = {package_of(f) for f in _product_files()}
    assert {"app", "cli", "commands", "ui", "data", "geo", "zones", "i18n"} <= packages


@pytest.mark.parametrize(("rel", "source", "word"), [
    ("geo/style.py", "from data.store.database import Store", "above"),
    ("data/demo/city.py", "import ui.common", "above"),
    ("zones/levels.py", "def f():\n    from geo.style import esc", "above"),
    ("ui/pages/map.py", "from cli import main", "beside"),
    ("commands/ingest.py", "import app", "beside"),
    ("data/store/packs.py", "from tests.support.paths import ROOT", "only tests"),
    ("geo/style.py", "import streamlit as st", "only app.py"),
    ("zones/trends.py", "import sqlalchemy", "pure"),
])
def test_the_check_catches_an_import_against_the_order(rel, source, word):
    found = violations(Path(rel), source)
    assert len(found) == 1 and word in found[0]


@pytest.mark.parametrize(("rel", "source"), [
    ("ui/pages/map.py", "from data.store.map_files import map_files\nfrom zones import levels"),
    ("app.py", "from ui import common"),
    ("cli.py", "from commands import ingest"),
    ("data/ingest/zone_file.py", "from geo.style import esc\nfrom i18n import t"),
    ("zones/policy.py", "from i18n import t\nfrom zones.levels import LEVELS"),
])
def test_the_check_allows_imports_down_the_order(rel, source):
    assert violations(Path(rel), source) == []
