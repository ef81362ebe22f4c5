"""The map of one day as one self-contained HTML file that an officer can send on: every
ward coloured by its effective level, with its pattern and level letters, a legend with
counts, and a tooltip with the inputs behind each level (geo.htmlmap.folium_map).

Leaflet is inlined from the installed XStatic package (geo.webmap.assets.offline_map) and
there are no tiles, so the file opens with no internet and fetches nothing; every stored
text in it is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt

from data.services.figures import levels_on
from data.store.database import Store
from geo.htmlmap.folium_map import build_level_map, render_html
from geo.style import wards_frame
from i18n import t as tr
from i18n.formats import fmt_date
from zones.levels import UNKNOWN
from zones.policy import Policy


class NoLevels(ValueError):
    """No area has a zone level on the day asked for (nothing to send)."""


def day_map_html(store: Store, as_of: dt.date, policy: Policy, lang: str = "vi") -> bytes:
    """The HTML file (UTF-8) of every ward with a polygon on `as_of`, in `lang`.

    NoLevels (its message in `lang`) when no area has a level that day: no report up to
    it, or none recent enough to carry forward.
    """
    areas = store.areas()
    levels = levels_on(store, as_of, policy, areas)
    if not (levels["level"] != UNKNOWN).any():
        raise NoLevels(tr("htmlmap.no_levels", lang, date=fmt_date(as_of, lang)))
    wards = wards_frame(areas, store.geometries("ward"))
    m = build_level_map(wards, levels, lang=lang, as_of=as_of,
                        title=tr("htmlmap.title", lang, date=fmt_date(as_of, lang)),
                        caption=tr("htmlmap.policy", lang, policy=policy.id))
    return render_html(m).encode("utf-8")
