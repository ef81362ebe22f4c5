"""The shared fixtures live in tests/support/ (fixtures.py, apptest.py, auth_app.py); this
file loads them as pytest plugins."""

pytest_plugins = ["tests.support.fixtures", "tests.support.apptest", "tests.support.auth_app",
                  "tests.support.demo_city_cases", "tests.support.real_city_cases"]
