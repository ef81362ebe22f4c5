"""`export-map` through cli.main, the command an officer runs: the offline HTML map written
for a day with levels, exit 1 and a message in the chosen language for a day without, and
exit 2 with the command named for a missing date or a file that is not .html."""

from __future__ import annotations

import pytest

from cli import main
from data.config.policy_files import load_policy
from data.store.database import Store
from tests.support.map_html_cases import CODES, DAY, features, hostile_city

POLICY = load_policy()


@pytest.fixture
def city(store: Store) -> str:
    hostile_city(store)
    return store.url


def test_writes_the_day_map(city, tmp_path, capsys):
    out = tmp_path / "ban-do.html"
    assert main(["--db", city, "export-map", "--as-of", DAY.isoformat(), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert sorted(f["id"] for f in features(html)) == CODES
    assert str(out) in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "said"), [("vi", "Chưa có cấp độ vùng nào ngày 28/09/2021"),
                                            ("en", "No zone level on 2021-09-28")])
def test_a_day_without_levels_exits_1(city, tmp_path, capsys, lang, said):
    out = tmp_path / "none.html"
    argv = ["--db", city, "--lang", lang, "export-map", "--as-of", "2021-09-28",
            "--output", str(out)]
    assert main(argv) == 1
    assert said in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("argv", [
    ("export-map", "-o", "x.html"),  # no date
    ("export-map", "--as-of", "30/09/2021", "-o", "x.html"),
    ("export-map", "--as-of", "2021-09-30"),  # no file
    ("export-map", "--as-of", "2021-09-30", "-o", "x.pdf"),
])
def test_argument_errors(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "en", *argv])
    assert exc.value.code == 2 and "export-map" in capsys.readouterr().err
