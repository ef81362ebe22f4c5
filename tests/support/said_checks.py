"""Checks that an error refused whole (zones.problems.Unsaid) says why in both languages:
its str() is the English, and its Vietnamese has no English sentence left in it once the
values and what a user types are taken out. Used by the zones and CLI tests."""

from __future__ import annotations

import re

from zones.problems import Term, Unsaid, said

# Words of the English messages that Vietnamese text never needs. What a user types stays
# as typed: `city` is not among them, and `district:CODE`, flags, quoted names and the
# values themselves are taken out first.
ENGLISH = re.compile(
    r"\b(the|is|are|an?|of|and|or|for|has|no|not|with|expected|got|must|needs?|after|"
    r"before|given|to|use|choose|another|add|each|give|store|file|row|nothing|yet|known|"
    r"none|import|run|first|twice|negative|table|columns|whole|number|such|intact|"
    r"database|schema|integrity|work|usable|population|unknown|code|digits|samples|"
    r"tubes|trends|period|scope|starts|report|month|week|day|levels?|zone|areas?|"
    r"round|size|its|so|figure|back|up|yes)\b", re.IGNORECASE)


def untranslated(exc: Unsaid) -> list[str]:
    """English words left in the Vietnamese text of `exc`, its values aside."""
    text = exc.text("vi")
    for value in exc.values.values():
        if not isinstance(value, Term):
            text = text.replace(str(value), " ")
    text = re.sub(r"`[^`]*`|'[^']*'|(?<!\S)-\S*|\S*[:_]\S*", " ", text)
    return ENGLISH.findall(text)


def assert_said(exc: BaseException, english: str) -> None:
    """`exc` is an Unsaid, still a ValueError, whose str() is `english` and whose
    Vietnamese is a translation of it."""
    assert isinstance(exc, Unsaid) and isinstance(exc, ValueError)
    assert str(exc) == english == exc.text("en") == said(exc, "en")
    vi = said(exc, "vi")
    assert vi == exc.text("vi") and vi != english
    assert untranslated(exc) == [], vi
