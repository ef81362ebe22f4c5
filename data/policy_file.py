"""Read a policy file from disk (the repo's default unless a path is given)."""

from __future__ import annotations

from pathlib import Path

from zones.policy import Policy, parse_policy

DEFAULT_POLICY_PATH = Path(__file__).resolve().parent.parent / "policy" / "default.toml"


def load_policy(path: str | Path | None = None) -> Policy:
    """Load and validate a policy file; PolicyError lists every problem."""
    p = Path(path) if path else DEFAULT_POLICY_PATH
    return parse_policy(p.read_text(encoding="utf-8"))
