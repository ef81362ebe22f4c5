"""Both message catalogues have the same keys and the same placeholders."""

import re

import pytest

from i18n import catalogue, t


def test_same_keys_in_both_languages():
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi) == set(en), set(vi) ^ set(en)


def test_same_placeholders():
    vi, en = catalogue("vi"), catalogue("en")
    for key in vi:
        assert set(re.findall(r"{(\w+)", vi[key])) == set(re.findall(r"{(\w+)", en[key])), key


def test_missing_key_and_language_are_named():
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key")
    with pytest.raises(ValueError, match="fr"):
        catalogue("fr")


def _strings_in_the_product() -> tuple[set[str], set[str]]:
    """Every string literal of the product's code (Python, and the map component's
    JavaScript and HTML), and the literal heads of f-strings (`f"pages.nav.{path}"`)."""
    import ast

    from tests.support.paths import ROOT

    literals, heads = set(), set()
    for path in ROOT.rglob("*.py"):
        if {".venv", ".git", "tests", "bench"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif (isinstance(node, ast.JoinedStr) and node.values
                  and isinstance(node.values[0], ast.Constant)):
                heads.add(node.values[0].value)
    for path in (ROOT / "ui" / "components").rglob("*"):
        if path.suffix in (".js", ".html"):
            literals |= set(re.findall(r"[\"']([\w.]+)[\"']", path.read_text(encoding="utf-8")))
    return literals, heads


def test_every_message_is_used():
    """A key is used when the code names it whole, names its table and its last part
    (`keys("map.tip", ("cases7", …))`), or builds it from a literal head
    (`f"pages.nav.{path}"`). Anything else is a message nobody can see: delete it."""
    literals, heads = _strings_in_the_product()

    def used(key: str) -> bool:
        table, _, last = key.rpartition(".")
        return (key in literals or (table in literals and last in literals)
                or any("." in h and key.startswith(h) for h in heads))

    assert sorted(k for k in catalogue("en") if not used(k)) == []
