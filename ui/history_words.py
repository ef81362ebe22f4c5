"""The history page's uploads told in words: who sent which file when, how many rows,
what changed, and which levels moved ("3 tổ dân phố lên vùng đỏ, 1 phường/xã xuống vùng
xanh"), with the hash and the JSON of the upload one click away."""

from __future__ import annotations

import json

import pandas as pd

from i18n import t as tr
from i18n.formats import fmt_int
from ui.markdown import md_text
from zones.levels import label


def level_phrase(counts: pd.DataFrame, lang: str) -> str:
    """'3 tổ dân phố lên vùng đỏ, 1 phường/xã xuống vùng xanh' from change_counts rows of
    one upload (kind, direction, after, n)."""
    parts = []
    for r in counts.itertuples():
        kind = tr(f"words.history.kind.{r.kind}_{'one' if r.n == 1 else 'many'}", lang)
        level = label(r.after, lang)
        parts.append(tr(f"words.history.{r.direction}", lang, n=fmt_int(r.n, lang), kind=kind,
                        level=level.lower() if lang == "vi" else level))
    return ", ".join(parts)


def upload_line(u, when: str, lang: str) -> str:
    """One upload (a row of Store.uploads) as a Markdown sentence; the user's and the
    file's names shown literally."""
    values = {"time": when, "user": f"**{md_text(u.user_name)}**",
              "file": f"«{md_text(u.file_name)}»",
              "channel": tr(f"pages.history.channel.{u.channel}", lang)}
    if u.outcome == "repeat":
        return tr("words.history.repeat", lang, **values)
    return tr("words.history.line", lang, rows=fmt_int(u.rows, lang),
              changed=fmt_int(u.changed, lang), **values)


def changes_line(counts: pd.DataFrame, lang: str) -> str:
    if counts.empty:
        return tr("words.history.no_change", lang)
    return tr("words.history.changes", lang, changes=level_phrase(counts, lang))


def upload_json(u, changes: pd.DataFrame) -> str:
    """The upload as stored, its checker's report parsed, and the level changes it made."""
    try:
        report = json.loads(u.report_json or "{}")
    except ValueError:
        report = u.report_json
    detail = {"id": int(u.id), "user_name": u.user_name, "uploaded_at": str(u.uploaded_at),
              "file_name": u.file_name, "sha256": u.sha256, "size_bytes": int(u.size_bytes),
              "channel": u.channel, "rows": int(u.rows), "outcome": u.outcome,
              "changed": int(u.changed), "report": report,
              "level_changes": [{"ward_code": c.ward_code, "block_code": c.block_code,
                                 "date": str(c.date), "before": c.before, "after": c.after}
                                for c in changes.itertuples()]}
    return json.dumps(detail, ensure_ascii=False, indent=2, default=str)
