"""Leaflet and jQuery for maps that work with no internet: the text of the files the
installed XStatic packages ship, inlined into the map's HTML instead of folium's CDN links,
and the folder a custom Streamlit component is served from (its page with Leaflet inlined,
and its content-addressed data files).

Nothing here is copied into the repository; the files are read from site-packages.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet

if TYPE_CHECKING:  # folium is imported when a folium map is built, not by the dashboard
    import folium

LEAFLET_DIR = Path(xs_leaflet.BASE_DIR)
JQUERY_DIR = Path(xs_jquery.BASE_DIR)
# A source-map comment makes browser dev tools fetch a file we do not serve.
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")
_SLOT = re.compile(r"<!--SLOT:([\w.-]+)-->")


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
    return _check_style(text, "leaflet.css")


def offline_map(*, tiles: str | None = None, attr: str | None = None,
                jquery: bool = False, **kwargs) -> folium.Map:
    """A folium.Map whose HTML references no CDN: Leaflet (and jQuery when asked for,
    i.e. for folium popups built from HTML elements) are inlined from XStatic.

    Bootstrap, Font Awesome and awesome-markers are dropped: our maps use none of them.
    `tiles` is a URL template for an optional base layer; with None the map has none.
    """
    import folium
    from branca.element import Element

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


def _check_style(text: str, where: str) -> str:
    if "</style" in text.lower():
        raise AssetError(f"{where} contains '</style': it cannot be inlined")
    return text


def _slot_text(src: Path, name: str, extra: dict[str, str]) -> str:
    if name in extra:
        return extra[name]
    if name == "leaflet.js":
        return leaflet_js()
    if name == "leaflet.css":
        return leaflet_css()
    path = src / name
    if not path.is_file():
        raise AssetError(f"{src / 'index.html'} asks for {name!r}, which {src} does not hold")
    if name.endswith(".css"):
        return _check_style(path.read_text(encoding="utf-8"), str(path))
    return _read_script(path)


def component_page(src: Path, extra: dict[str, str] | None = None) -> str:
    """`src/index.html` with every `<!--SLOT:name-->` filled: Leaflet's files from XStatic,
    `extra[name]`, or the file `name` of `src`. The page then needs no other file."""
    template = (src / "index.html").read_text(encoding="utf-8")
    return _SLOT.sub(lambda m: _slot_text(src, m.group(1), extra or {}), template)


def _write_atomic(path: Path, data: bytes) -> None:
    # Several dashboard processes may share the folder: a reader sees a whole file or none.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_component(src: Path, root: Path, extra: dict[str, str] | None = None) -> Path:
    """The folder Streamlit serves a component from: `root/<name>-<hash of its page>/`
    holding the filled-in index.html. A changed page gets a new folder, so a browser never
    mixes an old page with new code."""
    page = component_page(src, extra).encode("utf-8")
    out = root / f"{src.name}-{hashlib.sha256(page).hexdigest()[:16]}"
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    if not index.exists() or index.read_bytes() != page:
        _write_atomic(index, page)
    return out


def write_content(folder: Path, data: bytes, prefix: str, keep: int = 8) -> str:
    """Store `data` in `folder` as `<prefix>-<sha256>.bin` unless it is there already, and
    return the file name. The name changes with the content, so browsers may cache it
    for good. Only the `keep` newest files of a prefix stay (old data versions)."""
    name = f"{prefix}-{hashlib.sha256(data).hexdigest()[:24]}.bin"
    path = folder / name
    if not path.exists():
        _write_atomic(path, data)
        _prune(folder, prefix, keep)
    return name


def _prune(folder: Path, prefix: str, keep: int) -> None:
    dated = []
    for path in folder.glob(f"{prefix}-*.bin"):
        with contextlib.suppress(FileNotFoundError):  # another process pruned it first
            dated.append((path.stat().st_mtime, path))
    for _, old in sorted(dated, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
