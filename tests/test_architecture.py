"""Data flows one way (STYLE.md): zones/ imports nothing of data/, geo/ or Streamlit,
and only app.py and ui/ import Streamlit."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_zones_is_pure():
    files = list((ROOT / "zones").rglob("*.py"))
    assert files
    for f in files:
        bad = _imports(f) & {"data", "geo", "streamlit", "sqlalchemy", "app", "cli", "ui"}
        assert not bad, f"{f.relative_to(ROOT)} imports {bad}"


def test_streamlit_only_in_app_and_ui():
    for f in ROOT.rglob("*.py"):
        rel = f.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests", "ui") or rel.name == "app.py":
            continue
        assert "streamlit" not in _imports(f), f"{rel} imports streamlit"
