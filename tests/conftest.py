"""The shared fixtures live in tests/support/ (fixtures.py, apptest.py); this file loads them."""

pytest_plugins = ["tests.support.fixtures", "tests.support.apptest"]
