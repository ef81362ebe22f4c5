"""Text shown through Streamlit's Markdown exactly as typed: place names and notes are
data, never markup (no links, emphasis, LaTeX or HTML)."""

from __future__ import annotations

import re


def md_text(text: str) -> str:
    """`text` with every character Markdown would read as markup escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))
