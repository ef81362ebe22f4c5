"""Every CLI command and option and every policy key is documented in the README
(the Datasette habit from STYLE.md)."""

import argparse
from pathlib import Path

import pytest

from cli import build_parser
from data.config.settings import SETTINGS
from tests.support.paths import ROOT
from zones.policy import SETTING_KEYS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_command_and_its_options_documented(name):
    assert f"python cli.py [--db URL] {name}" in README
    sub = _subcommands()[name]
    for action in sub._actions:
        forms = [o for o in action.option_strings if o not in ("-h", "--help")]
        if forms:  # one documented spelling (short or long) is enough
            assert any(f"{o} " in README or f"{o}]" in README for o in forms), (
                f"{name} {forms} is not in the README")


@pytest.mark.parametrize("key", SETTING_KEYS)
def test_policy_setting_documented(key):
    assert f"`{key}`" in README


@pytest.mark.parametrize("key", ["testing.intervals.<level>", "testing.pooling"])
def test_policy_tables_documented(key):
    assert f"`{key}`" in README


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end > 0 else None]


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_setting_documented_with_its_default(name):
    section = _section("Settings")
    row = next((line for line in section.splitlines() if line.startswith(f"| `{name}` |")),
               None)
    assert row is not None, f"{name} is not in the README's Settings table"
    default = SETTINGS[name].default
    assert (f"`{default}`" if default else "—") in row


def test_code_reads_the_environment_only_through_the_settings_table():
    import ast

    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests", "bench") or rel == Path("data/config/settings.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
                    and isinstance(node.value, ast.Name) and node.value.id == "os"):
                offenders.append(f"{rel}:{node.lineno}")
    assert offenders == []
