"""Every CLI command and option and every policy key is documented in the README
(the Datasette habit from STYLE.md)."""

import argparse
from pathlib import Path

import pytest

from cli import build_parser
from zones.policy import SETTING_KEYS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


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
