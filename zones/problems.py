"""What is wrong with a file a user gives, in one shape for every kind of file (zone file,
blocks table, plan inputs, boundary file, policy, targets): a `Problem` names where it is,
what was written and an i18n message key, and says it in either language; `Refused` is
the error that refuses a file with every problem found in it; `Unsaid` refuses one request
(a period, a capacity, a backup) with one message."""

from __future__ import annotations

from dataclasses import dataclass, field

from i18n import t

ROW, FEATURE, KEY = "row", "feature", "key"  # what a problem's `where` points into


@dataclass(frozen=True)
class Term:
    """A message parameter that is itself translated (a field name, a month, "none")."""

    key: str


@dataclass(frozen=True)
class Problem:
    """One problem. `where` is the spreadsheet row (header = 1) or, in a boundary file, the
    feature's 1-based position; None for the whole file. `column` is the canonical column
    (for a policy or targets file: the dotted key). The message `key` is formatted with
    `params` and, unless they say otherwise, with `value`, `column`, `code` and `where`."""

    where: int | None
    column: str | None
    value: str  # as written ("" if empty)
    key: str  # full i18n key, e.g. "ingest.unknown_ward"
    params: dict = field(default_factory=dict, hash=False)
    code: str | None = None  # the area a boundary feature names
    place: str = ROW  # ROW, FEATURE or KEY: how `where` and `column` read
    name: str | None = None  # the name of the area a boundary feature names, if given

    def message(self, lang: str = "en") -> str:
        values = {"value": self.value, "column": self.column, "code": self.code,
                  "where": self.where}
        values |= {k: t(v.key, lang) if isinstance(v, Term) else v
                   for k, v in self.params.items()}
        return t(self.key, lang, **values)

    @property
    def reason(self) -> str:
        return self.message("en")

    @property
    def reason_vi(self) -> str:
        return self.message("vi")

    @property
    def row(self) -> int | None:
        return self.where if self.place == ROW else None

    @property
    def feature(self) -> int | None:
        return self.where if self.place == FEATURE else None

    def located(self, lang: str = "en") -> str:
        """The message with the dotted key it is about in front, for a policy or targets
        file (`sources: missing: …`); other problems show their row in a column of
        their own, so theirs is the message alone."""
        text = self.message(lang)
        return f"{self.column}: {text}" if self.place == KEY and self.column else text

    def __str__(self) -> str:
        if self.place == KEY:
            return self.located("en")
        where = "file" if self.where is None else f"{self.place} {self.where}"
        unit = " ".join(x for x in (self.code, self.name) if x)
        where += f" ({unit})" if unit else ""
        what = f" {self.column}={self.value!r}" if self.column else ""
        return f"{where}{what}: {self.reason}"


_NO_VALUE = object()


def key_problem(path: str | None, key: str, value=_NO_VALUE, **params) -> Problem:
    """A problem of a policy or targets file at the dotted key `path`; `value` (what the
    file holds there, if the message shows it) is written as Python writes it."""
    written = "" if value is _NO_VALUE else repr(value)
    return Problem(None, path, written, f"files.{key}", params, place=KEY)


class DataChecker:
    """Collects every problem of a policy or targets document instead of stopping at the
    first; `sources` is its table of source citations (empty if it has none)."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.problems: list[Problem] = []
        src = doc.get("sources")
        self.sources = src if isinstance(src, dict) else {}

    def fail(self, key: str, msg: str, *value, **params) -> None:
        """A problem at `key`: message files.<msg>, showing `value` if given."""
        self.problems.append(key_problem(key, msg, *value, **params))


class Unsaid(ValueError):
    """A request that cannot be done, with the message to say why in any language: the
    i18n `key` and its `values` (a `Term` among them is said in the message's language);
    `text(lang)` says it, str() is the English."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(self.key, lang, **{k: t(v.key, lang) if isinstance(v, Term) else v
                                    for k, v in self.values.items()})


def said(exc: Exception, lang: str) -> str:
    """An error's message in `lang` when it carries one (Unsaid, Refused), else str()."""
    return exc.text(lang) if isinstance(exc, Unsaid) else str(exc)


class Refused(ValueError):
    """A file refused whole: `source` names it, `problems` lists every Problem in it."""

    def __init__(self, source, problems: list[Problem]):
        self.source, self.problems = str(source), list(problems)
        super().__init__(self.text())

    def text(self) -> str:
        lines = "\n".join(f"  - {p}" for p in self.problems)
        return f"{self.source} refused, {len(self.problems)} problem(s):\n{lines}"


class DataFileError(Refused):
    """A policy or targets file with problems, each naming its key."""

    what = "data file"

    def __init__(self, problems: list[Problem], source=None):
        super().__init__(self.what if source is None else source, problems)

    def text(self) -> str:
        return f"invalid {self.what}:\n  " + "\n  ".join(map(str, self.problems))
