"""st.file_uploader with its own texts in the user's language. Streamlit 1.67 writes
"Upload", "Drag and drop a file here" and "25MB per file • CSV, XLSX" in English with no
parameter to change them, so a little CSS scoped to the widget's key hides those texts
(visibility, so screen readers skip them too) and draws the catalogue's instead; the
limit said is the policy's, the one the upload is held to.

What CSS cannot reach stays English: the hidden <input>'s aria-label "file upload", the
button's accessible name "Upload" and the widget's own refusals of a file (a wrong type,
over the server's 25 MB)."""

from __future__ import annotations

import re

import streamlit as st

from i18n import t as tr
from i18n.formats import fmt_number

_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ZONE = '.st-key-{key} [data-testid="stFileUploaderDropzone"]'
# The button's label (clipped out of sight, not removed: it stays the button's accessible
# name, which CSS cannot change: a screen reader hears Streamlit's "Upload"); the
# drag-over line (the dropzone's one <div> without a test id); the size and types line.
_CSS = """<style>
{zone} button [data-testid="stMarkdownContainer"] p {{
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  clip-path: inset(50%); white-space: nowrap; margin: 0;
}}
{zone} button [data-testid="stMarkdownContainer"]::after {{ content: {button}; }}
{zone} > div:not([data-testid]) > span,
{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{
  font-size: 0; visibility: hidden;
}}
{zone} > div:not([data-testid]) > span::after {{
  content: {drop}; font-size: 0.875rem; line-height: 1.6; visibility: visible;
}}
{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
  content: {limit}; font-size: 0.875rem; line-height: 1.6; visibility: visible;
}}
</style>"""


def css_string(text: str) -> str:
    """`text` as a quoted CSS string: every character but ASCII letters and digits as a
    hex escape (its one trailing space ends the escape and is not drawn), so no quote,
    backslash or `</style>` can end it."""
    return '"' + "".join(ch if ch.isascii() and ch.isalnum() else f"\\{ord(ch):x} "
                         for ch in text) + '"'


def size_text(max_bytes: int, lang: str) -> str:
    return f"{fmt_number(max_bytes / 1_000_000, lang, 0 if max_bytes % 1_000_000 == 0 else 1)} MB"


def uploader_css(key: str, types: list[str], size: str, lang: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(f"file input key {key!r}: letters, digits, _ and - only")
    limit = tr("words.uploader.limit", lang, size=size,
               types=", ".join(t.upper() for t in types))
    return _CSS.format(zone=_ZONE.format(key=key),
                       button=css_string(tr("words.uploader.button", lang)),
                       drop=css_string(tr("words.uploader.drop", lang)),
                       limit=css_string(limit))


def file_input(label: str, lang: str, *, key: str, types: list[str],
               max_bytes: int | None = None, disabled: bool = False):
    """st.file_uploader(label, type=types, key=key) with its texts in `lang`; the limit
    said is `max_bytes`, else the server's own (server.maxUploadSize, in MB)."""
    size = (size_text(max_bytes, lang) if max_bytes is not None
            else f"{fmt_number(st.get_option('server.maxUploadSize'), lang)} MB")
    st.html(uploader_css(key, types, size, lang))
    return st.file_uploader(label, type=types, key=key, disabled=disabled)
