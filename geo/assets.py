"""Leaflet and jQuery for maps that work with no internet: the text of the files the
installed XStatic packages ship, inlined into the map's HTML instead of folium's CDN links.

Nothing here is copied into the repository; the files are read from site-packages.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import folium
import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
from branca.element import Element

LEAFLET_DIR = Path(xs_leaflet.BASE_DIR)
JQUERY_DIR = Path(xs_jquery.BASE_DIR)
# A source-map comment makes browser dev tools fetch a file we do not serve.
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")


class AssetError(RuntimeError):
    """An installed asset that cannot be inlined safely."""


def _read_script(path: Path) -> str:
    text = _SOURCE_MAP.sub("", path.read_text(encoding="utf-8"))
    # Inside an inline <script>, these sequences would end or confuse the element.
    for bad in ("</script", "<!--"):
        if bad in text.lower():
            raise AssetError(f"{path} contains {bad!r}: it cannot be inlined in a <script>")
    return text


@cache
def leaflet_js() -> str:
    return _read_script(LEAFLET_DIR / "leaflet.js")


@cache
def jquery_js() -> str:
    return _read_script(JQUERY_DIR / "jquery.min.js")


def _data_uri(match: re.Match) -> str:
    png = (LEAFLET_DIR / match.group(1)).read_bytes()
    return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"


@cache
def leaflet_css() -> str:
    """Leaflet's stylesheet with its images as data URIs, since an inlined stylesheet's
    relative `images/…` URLs would point at whatever page embeds the map."""
    text = _CSS_IMAGE.sub(_data_uri, (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8"))
    if "</style" in text.lower():
        raise AssetError("leaflet.css contains '</style': it cannot be inlined")
    return text


def offline_map(*, tiles: str | None = None, attr: str | None = None,
                jquery: bool = False, **kwargs) -> folium.Map:
    """A folium.Map whose HTML references no CDN: Leaflet (and jQuery when asked for,
    i.e. for folium popups built from HTML elements) are inlined from XStatic.

    Bootstrap, Font Awesome and awesome-markers are dropped: our maps use none of them.
    `tiles` is a URL template for an optional base layer; with None the map has none.
    """
    m = folium.Map(tiles=None, **kwargs)
    # Instance attributes shadow the class lists folium renders as <script src=…> links.
    m.default_js = []
    m.default_css = []
    header = m.get_root().header
    header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet")
    if jquery:
        header.add_child(Element(f"<script>{jquery_js()}</script>"), name="jquery")
    if tiles:
        folium.TileLayer(tiles=tiles, attr=attr or tiles, name="base").add_to(m)
    return m
