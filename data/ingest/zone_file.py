"""The daily zone-file ingest: bytes → decoded table → validated rows → store, all or
nothing per file, with a report of every problem (SPEC "Daily zone file").

`validate_bytes` is pure (no clock, no disk: `today` and the known areas come in);
`ingest_file` adds reading with a size limit and storing an accepted file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field

import pandas as pd

from data.ingest.decode import Deadline, NotATable, decode_table
from data.ingest.validate import ZONE_COLUMNS, problem, validate_table
from data.store.database import Store, UploadMeta, UploadOutcome
from i18n import t
from zones.policy import Policy
from zones.problems import Problem

__all__ = [
    "FileTooLarge",
    "IngestReport",
    "Problem",
    "file_error_report",
    "ingest_file",
    "read_limited",
    "validate_bytes",
]


@dataclass
class IngestReport:
    file_name: str
    sha256: str
    size_bytes: int
    rows: pd.DataFrame | None  # REPORT_FIELDS, only when accepted
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors

    @property
    def row_count(self) -> int:
        """Rows stored (or that would be): 0 when rejected."""
        return 0 if not self.accepted or self.rows is None else len(self.rows)

    def to_json(self) -> dict:
        return {
            "file": self.file_name,
            "accepted": self.accepted,
            "rows": self.row_count,
            "warnings": [_line(p, "en") for p in self.warnings],
            "warnings_vi": [_line(p, "vi") for p in self.warnings],
            "errors": [
                {"row": p.row, "column": p.column, "value": p.value, "reason": p.reason,
                 "reason_vi": p.reason_vi}
                for p in self.errors
            ],
        }


def _line(p: Problem, lang: str) -> str:
    reason = p.reason if lang == "en" else p.reason_vi
    return reason if p.row is None else t("ingest.at_row", lang, row=p.row, reason=reason)


class FileTooLarge(ValueError):
    """A file over the upload limit, refused before it is read whole."""

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(f"file too large: {size} bytes, the limit is {limit}")


def read_limited(path: str | os.PathLike, max_bytes: int) -> bytes:
    """The file's bytes, or FileTooLarge. The size comes from os.stat first; a file that
    grows or lies about its size (a pipe) is cut off after reading max_bytes + 1 bytes."""
    size = os.stat(path).st_size
    if size > max_bytes:
        raise FileTooLarge(size, max_bytes)
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLarge(len(data), max_bytes)
    return data


def file_error_report(file_name: str, key: str, *, size_bytes: int = 0, sha256: str = "",
                      **params) -> IngestReport:
    """A rejected report with one file-level error (message ingest.<key>)."""
    return IngestReport(file_name, sha256, size_bytes, None,
                        errors=[problem(None, None, "", key, **params)])


def validate_bytes(raw: bytes, file_name: str, known_areas: dict[str, set[str]],
                   today: dt.date, policy: Policy, *, allowed_wards: set[str] | None = None,
                   deadline: Deadline | None = None) -> IngestReport:
    """Judge one file's bytes; never raises for bad content, always returns a report.

    allowed_wards: the wards the uploader may report for (None: any ward; an empty set:
    no upload right at all). Reading and checking stop with a refusal once `deadline`
    (default: policy.max_upload_seconds from now) has passed.
    """
    deadline = deadline or Deadline.after(policy.max_upload_seconds)
    sha256, size = hashlib.sha256(raw).hexdigest(), len(raw)
    if allowed_wards is not None and not allowed_wards:
        return file_error_report(file_name, "no_upload_right", size_bytes=size, sha256=sha256)
    if size > policy.max_upload_bytes:
        return file_error_report(file_name, "too_large", size_bytes=size, sha256=sha256,
                                 size=size, limit=policy.max_upload_bytes)
    try:
        table = decode_table(raw, max_rows=policy.max_upload_rows, deadline=deadline,
                             columns=ZONE_COLUMNS)
        if table.truncated:
            return file_error_report(file_name, "too_many_rows", size_bytes=size,
                                     sha256=sha256, limit=policy.max_upload_rows)
        outcome = validate_table(table, known_areas, today, allowed_wards=allowed_wards,
                                 deadline=deadline)
    except NotATable as exc:  # TooSlow too: a file-level refusal like the others
        return file_error_report(file_name, exc.key, size_bytes=size, sha256=sha256,
                                 **exc.params)
    # The sheets a workbook's table was not read from come first: they concern the file.
    return IngestReport(file_name, sha256, size, outcome.rows,
                        table.warnings + outcome.warnings, outcome.errors)


def ingest_file(store: Store, path_or_bytes: str | os.PathLike | bytes, file_name: str, *,
                user: str, today: dt.date, policy: Policy, dry_run: bool = False,
                channel: str = "file", allowed_wards: set[str] | None = None
                ) -> tuple[IngestReport, UploadOutcome | None]:
    """Validate one file and, when it has no error and this is no dry run, store it in one
    transaction. A rejected file stores nothing, not even an upload row.

    allowed_wards: from the logged-in user (`User.allowed_wards`); None stores any ward
    (single-user local mode, admins). A row for another ward rejects the file, naming it.
    """
    deadline = Deadline.after(policy.max_upload_seconds)
    if isinstance(path_or_bytes, bytes | bytearray | memoryview):
        raw = bytes(path_or_bytes)
    else:
        try:
            raw = read_limited(path_or_bytes, policy.max_upload_bytes)
        except FileTooLarge as exc:
            return file_error_report(file_name, "too_large", size_bytes=exc.size,
                                     size=exc.size, limit=exc.limit), None
        except OSError as exc:
            return file_error_report(file_name, "unreadable",
                                     detail=exc.strerror or type(exc).__name__), None
    report = validate_bytes(raw, file_name, store.known_areas(), today, policy,
                            allowed_wards=allowed_wards, deadline=deadline)
    if not report.accepted or dry_run:
        return report, None
    meta = UploadMeta(user_name=user, file_name=file_name,
                      sha256=report.sha256, size_bytes=report.size_bytes, channel=channel)
    return report, store.record_upload(meta, report.rows, report.to_json())
