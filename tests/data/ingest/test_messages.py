"""Every message of a refused input file (zone file, plan inputs, blocks table, boundary
file, policy, targets) exists in Vietnamese and English, every key the code names exists,
and every message is used."""

import ast
import string
from pathlib import Path

import pytest

from i18n import catalogue

ROOT = Path(__file__).resolve().parents[3]
# Messages looked up by a computed key rather than a literal.
COMPUTED = ("ingest.field.", "ingest.month.", "ingest.at_row")
CELLS = "zones/cells.py"  # parse_count's issues are messages of every table that counts
# Group: (modules, the prefix their keys are written under, the calls naming a key and the
# position of the key among their arguments, the catalogue tables the group owns).
GROUPS = {
    "zone file": (["data/ingest/decode.py", "data/ingest/validate.py",
                   "data/ingest/zone_cells.py", "data/ingest/zone_file.py",
                   "data/ingest/plan_inputs.py", CELLS],
                  "ingest.", {"problem": 3, "NotATable": 0, "file_error_report": 1},
                  ("ingest.",)),
    "plan inputs": (["data/ingest/plan_inputs.py"], "plan.", {"_plan_problem": 3},
                    ("plan.",)),
    "blocks": (["data/ingest/blocks.py", CELLS], "files.blocks.", {"_problem": 0},
               ("files.blocks.",)),
    "boundary": (["geo/boundaries/read.py", "geo/boundaries/polygons.py", CELLS],
                 "files.boundary.", {"_problem": 0, "feature_problem": 0},
                 ("files.boundary.",)),
    "source": (["geo/boundaries/crs.py"], "files.source.",
               {"SourceProblem": 0, "_crs_problem": 0}, ("files.source.",)),
    "policy and targets": (["zones/policy.py", "zones/target_file.py", "zones/targets.py"],
                           "files.", {"fail": 1, "key_problem": 1},
                           ("files.data.", "files.policy.", "files.targets.")),
}


def _name(func) -> str | None:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _constants(node) -> set[str]:
    parts = [node.body, node.orelse] if isinstance(node, ast.IfExp) else [node]
    return {p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str)
            and p.value}


def _keys_in(path: Path, calls: dict[str, int]) -> tuple[set[str], set[str]]:
    """(keys relative to the group's prefix, whole keys). Relative: the key argument of
    the group's calls, and the key of an issue a parser returns — ("key", {params}) or
    (value, "key", {params}). Whole: what Term() and t() name."""
    short, whole = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name == "__init__" and node.args:  # a NotATable subclass
                short |= _constants(node.args[0])
            pos = calls.get(name)
            if pos is not None and len(node.args) > pos:
                short |= _constants(node.args[pos])
            if name in ("Term", "t") and node.args:
                whole |= _constants(node.args[0])
        if (isinstance(node, ast.Tuple) and len(node.elts) in (2, 3)
                and isinstance(node.elts[-1], ast.Dict)):
            short |= _constants(node.elts[-2])
    return short, whole


def _used(group: str) -> set[str]:
    modules, prefix, calls, _ = GROUPS[group]
    used = set()
    for module in modules:
        short, whole = _keys_in(ROOT / module, calls)
        used |= {prefix + k for k in short} | whole
    return used


def _defined(tables) -> set[str]:
    return {k for k in catalogue("en") if k.startswith(tables) and not k.startswith(COMPUTED)}


@pytest.mark.parametrize("tables", ["ingest.", "plan.", "files."])
def test_both_languages_have_the_same_keys_and_placeholders(tables):
    en = {k: v for k, v in catalogue("en").items() if k.startswith(tables)}
    vi = {k: v for k, v in catalogue("vi").items() if k.startswith(tables)}
    assert set(en) == set(vi)
    fields = string.Formatter()
    for key in en:
        names_en = {f for _, f, _, _ in fields.parse(en[key]) if f}
        names_vi = {f for _, f, _, _ in fields.parse(vi[key]) if f}
        assert names_vi == names_en, key
        assert vi[key] != en[key] or key.startswith("ingest.field."), key


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_key_used_exists_and_every_message_is_used(group):
    tables = GROUPS[group][3]
    used = _used(group)
    mine = {k for k in used if k.startswith(tables)}
    assert mine - set(catalogue("en")) == set()
    assert _defined(tables) - mine == set()


def test_the_scan_sees_the_keys():
    """The scan finds keys of each kind of call, so the tests above are not vacuous."""
    assert {"ingest.unknown_ward", "ingest.not_integer", "ingest.too_big"} <= _used("zone file")
    assert {"files.blocks.duplicate", "files.blocks.too_big"} <= _used("blocks")
    assert {"files.boundary.bad_code", "files.boundary.none"} <= _used("boundary")
    assert {"files.source.no_crs", "files.source.crs_advice"} <= _used("source")
    assert {"files.data.expected_int_min", "files.targets.ward_metric",
            "files.data.none_defined"} <= _used("policy and targets")
