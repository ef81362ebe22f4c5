"""A zone level as a table cell: its colour (zones.levels) as the background and an ink
that reads on it, chosen by WCAG 2 contrast (at least 4.5:1, the AA level for text), so
the label stays readable on every level's colour."""

from __future__ import annotations

from zones.levels import LEVELS

INKS = ("#000000", "#FFFFFF")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA, normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of '#RRGGBB'."""
    r, g, b = (_channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ink(colour: str) -> str:
    """Black or white, whichever reads better on `colour`."""
    return max(INKS, key=lambda text: contrast(text, colour))


def level_cell(level: str) -> tuple[str, str]:
    """(background, ink) of a level's cell."""
    colour = LEVELS[level].colour
    return colour, ink(colour)
