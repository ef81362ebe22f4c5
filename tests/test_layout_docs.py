"""The docs travel with the code: README's "Layout" table names every folder of the house
(and no folder that is gone), README's "Caches" table every cache the store keeps, and
the product contract the code cites as "SPEC" is docs/SPEC.md, in the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SPEC = ROOT / "docs" / "SPEC.md"
SKIP = {".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
# A citation of a SPEC section in a docstring or comment: SPEC "Zone levels".
CITATION = re.compile(r'\bSPEC\s+"([^"]+)"')


def section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def table_rows(text: str) -> list[tuple[list[str], str]]:
    """(paths named in the first cell, the rest of the row) of a Markdown table's body."""
    rows = []
    for line in text.splitlines():
        cells = line.split("|")
        if line.startswith("| `") and len(cells) >= 4:
            names = [n.rstrip("/") for n in re.findall(r"`([^`]+)`", cells[1])]
            rows.append((names, "|".join(cells[2:])))
    return rows


def layout_names() -> dict[str, str]:
    """Every path the Layout table names → its job."""
    return {name: job for names, job in table_rows(section(README, "Layout")) for name in names}


def _kept(path: Path) -> bool:
    return not SKIP & set(path.relative_to(ROOT).parts)


def house_folders() -> list[str]:
    """Top-level .py files, top-level folders holding .py files, and every package."""
    out = {p.name for p in ROOT.glob("*.py")}
    out |= {p.relative_to(ROOT).parts[0] for p in ROOT.rglob("*.py")
            if _kept(p) and len(p.relative_to(ROOT).parts) > 1}
    out |= {p.parent.relative_to(ROOT).as_posix() for p in ROOT.rglob("__init__.py")
            if _kept(p)}
    return sorted(out)


@pytest.mark.parametrize("folder", house_folders())
def test_every_folder_is_in_the_layout_table(folder):
    assert folder in layout_names(), f"{folder}/ is not in README's Layout table"


def test_the_layout_table_names_only_what_exists():
    """A folder still to come says so ("not yet"); every other one exists."""
    missing = [name for name, job in layout_names().items()
               if not (ROOT / name).exists() and "not yet" not in job]
    assert missing == []


def test_the_layout_states_the_import_order():
    text = section(README, "Layout")
    assert "`app.py`/`cli.py`/`commands/`/`api/`/`ui/` →" in text
    assert "`tests/test_architecture.py`" in text


def test_the_contract_is_in_the_repository_and_the_readme_points_to_it():
    assert SPEC.is_file()
    top = README[:README.index("\n## ")]
    assert "docs/SPEC.md" in top


def _cited_sections() -> list[tuple[str, str]]:
    found = []
    for path in sorted(p for p in ROOT.rglob("*.py") if _kept(p) and p != Path(__file__)):
        text = path.read_text(encoding="utf-8")
        found += [(path.relative_to(ROOT).as_posix(), name) for name in CITATION.findall(text)]
    return found


def test_code_cites_spec_sections():
    assert len(_cited_sections()) >= 5  # the check below must have something to check


@pytest.mark.parametrize(("where", "name"), _cited_sections())
def test_every_cited_spec_section_exists(where, name):
    """SPEC "X" names a heading of docs/SPEC.md, or a field written `X` in it."""
    spec = SPEC.read_text(encoding="utf-8")
    headings = [line for line in spec.splitlines() if line.startswith("#")]
    assert any(name in h for h in headings) or f"`{name}`" in spec, f"{where}: SPEC {name!r}"


def test_nothing_cites_a_contract_outside_the_repository():
    offenders = [p.relative_to(ROOT).as_posix()
                 for ext in ("*.py", "*.md", "*.toml") for p in ROOT.rglob(ext)
                 if _kept(p) and p != Path(__file__)
                 and re.search(r"shared/SPEC|shared SPEC", p.read_text(encoding="utf-8"))]
    assert offenders == []


def _derived_kinds() -> set[str]:
    """The kinds of file the map keeps in derived_files (data.store.map_files)."""
    text = (ROOT / "data" / "store" / "map_files.py").read_text(encoding="utf-8")
    return set(re.findall(r'store\.derived\("([\w-]+)"', text))


def test_every_cache_is_in_the_caches_table():
    rows = table_rows(section(README, "Caches"))
    named = {name for names, _job in rows for name in names}
    assert {"report_packs", "trend_packs", "derived_files"} <= named
    assert "VUNGXANH_CACHE" in named
    kinds = _derived_kinds()
    assert kinds, "no kinds found in data/store/map_files.py"
    derived = next(job for names, job in rows if "derived_files" in names)
    assert all(f"`{kind}`" in derived for kind in kinds), kinds
