"""The one access table (data.config.access) covers every CLI command and every dashboard
page, names only actions some role has, and is the table the CLI and dashboard use."""

from __future__ import annotations

import argparse
import ast

import pytest

import cli
from data.config import access
from tests.support.paths import ROOT


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices


def _app_pages() -> list[tuple]:
    """app.PAGES read from app.py's source: importing app.py runs the dashboard."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    node = next(n for n in tree.body if isinstance(n, ast.Assign)
                and any(getattr(t, "id", None) == "PAGES" for t in n.targets))
    return ast.literal_eval(node.value)


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_command_has_an_action_and_a_handler(command):
    assert access.COMMAND_NEEDS[command] in access.ACTIONS["admin"]
    assert callable(_subcommands()[command].get_default("handler"))


def test_every_page_has_an_action():
    paths = [page[1] for page in _app_pages()]
    assert len(paths) == 10 and len(set(paths)) == len(paths)
    assert set(paths) == set(access.PAGE_NEEDS)


def test_every_action_named_is_one_some_role_has():
    granted = set().union(*access.ACTIONS.values())
    named = set(access.COMMAND_NEEDS.values()) | set(access.PAGE_NEEDS.values())
    assert named <= granted
    assert set(access.ACTIONS) == set(access.ROLES)
    assert set(access.COMMAND_NEEDS) >= access.WRITES


def test_roles_for_lists_the_roles_in_order():
    assert access.roles_for("read") == list(access.ROLES)
    assert access.roles_for("upload") == ["reporter", "admin"]
    assert access.roles_for("schedule") == ["coordinator", "admin"]
    assert access.roles_for("no such action") == []


def test_the_interfaces_read_this_table():
    from data.store import accounts
    from ui import auth_gate

    assert auth_gate.roles_for is access.roles_for
    assert not hasattr(accounts, "ACTIONS") and not hasattr(accounts, "ROLES")
    assert not hasattr(cli, "NEEDS") and cli.WRITES is access.WRITES
    reporter = accounts.User("r", "reporter", frozenset())
    assert [a for a in sorted(access.ACTIONS["admin"]) if reporter.can(a)] == \
        sorted(access.ACTIONS["reporter"])
