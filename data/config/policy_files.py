"""Read the policy and green-targets files from disk (the repo's `policy/` unless a path is
given); both are data, checked by zones.policy and zones.target_file."""

from __future__ import annotations

from pathlib import Path

from zones.policy import Policy, parse_policy
from zones.target_file import GreenTarget, parse_targets

POLICY_DIR = Path(__file__).resolve().parents[2] / "policy"
DEFAULT_POLICY_PATH = POLICY_DIR / "default.toml"
DEFAULT_TARGETS_PATH = POLICY_DIR / "targets.toml"


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file; PolicyError lists every problem."""
    p = Path(path) if path else DEFAULT_POLICY_PATH
    return parse_policy(p.read_text(encoding="utf-8"))


def load_targets(path: str | Path | None = None) -> list[GreenTarget]:
    """Load and validate a targets file; TargetsError lists every problem."""
    p = Path(path) if path else DEFAULT_TARGETS_PATH
    return parse_targets(p.read_text(encoding="utf-8"))
