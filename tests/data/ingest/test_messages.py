"""Every ingest message exists in Vietnamese and English, and every one is used."""

import ast
import string
from pathlib import Path

from i18n import catalogue

ROOT = Path(__file__).resolve().parents[3]
MODULES = [ROOT / "data" / name for name in ("decode.py", "validate.py", "ingest.py")]
# Messages looked up by a computed key rather than a literal.
COMPUTED = ("ingest.field.", "ingest.month.", "ingest.at_row")


def _keys_used() -> set[str]:
    """Message keys in the code: the key argument of problem(), NotATable() and
    file_error_report(), and the first item of a parser's ("key", {params}) result."""
    used = set()
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "__init__" and node.args
                    and isinstance(node.args[0], ast.Constant)):  # a NotATable subclass
                used.add(node.args[0].value)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                pos = {"problem": 3, "NotATable": 0, "file_error_report": 1}.get(node.func.id)
                if pos is not None and len(node.args) > pos:
                    arg = node.args[pos]
                    if isinstance(arg, ast.Constant):
                        used.add(arg.value)
            if (isinstance(node, ast.Tuple) and len(node.elts) == 2
                    and isinstance(node.elts[0], ast.Constant | ast.IfExp)
                    and isinstance(node.elts[1], ast.Dict)):
                first = node.elts[0]
                parts = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
                used |= {p.value for p in parts if isinstance(p, ast.Constant)}
    return used


def _ingest_keys(lang: str) -> dict[str, str]:
    return {k: v for k, v in catalogue(lang).items() if k.startswith("ingest.")}


def test_both_languages_have_the_same_ingest_keys_and_placeholders():
    en, vi = _ingest_keys("en"), _ingest_keys("vi")
    assert set(en) == set(vi)
    fields = string.Formatter()
    for key in en:
        names_en = {f for _, f, _, _ in fields.parse(en[key]) if f}
        names_vi = {f for _, f, _, _ in fields.parse(vi[key]) if f}
        assert names_vi == names_en, key
        assert vi[key] != en[key] or key.startswith("ingest.field."), key


def test_every_key_used_exists_and_every_message_is_used():
    used = {f"ingest.{k}" for k in _keys_used()}
    defined = {k for k in _ingest_keys("en") if not k.startswith(COMPUTED)}
    assert used - defined == set()
    assert defined - used == set()
