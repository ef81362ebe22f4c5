"""Checks more than one test module makes: the URLs a page would fetch, a demo city's
fingerprint."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import shapely


class _Refs(HTMLParser):
    """Every URL a <script src> or <link href> would make the browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href"):
            self.urls.append(a["href"])


def external_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return [u for u in parser.urls if re.match(r"(https?:)?//", u)]


def fingerprint(c) -> str:
    h = hashlib.sha256()
    for frame in (c.provinces, c.districts, c.reports):
        h.update(frame.to_csv(index=False).encode())
    for layer in (c.wards, c.blocks):
        h.update(layer.drop(columns="geometry").to_csv(index=False).encode())
        h.update(b"".join(shapely.to_wkb(layer.geometry.to_numpy())))
    return h.hexdigest()
