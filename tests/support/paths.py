"""Where things are, for every test: the repository, the ../shared data, the golden files."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
GOLDEN = ROOT / "tests" / "support" / "golden"
