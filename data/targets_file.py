"""Read a green-targets file from disk (the repo's default unless a path is given)."""

from __future__ import annotations

from pathlib import Path

from zones.targets import GreenTarget, parse_targets

DEFAULT_TARGETS_PATH = Path(__file__).resolve().parent.parent / "policy" / "targets.toml"


def load_targets(path: str | Path | None = None) -> list[GreenTarget]:
    """Load and validate a targets file; TargetsError lists every problem."""
    p = Path(path) if path else DEFAULT_TARGETS_PATH
    return parse_targets(p.read_text(encoding="utf-8"))
