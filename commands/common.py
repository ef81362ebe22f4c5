"""What the commands share: exit statuses, the language of messages, argument types, the
progress bar, writing output, and the one way problems are printed."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from contextvars import ContextVar
from pathlib import Path

from i18n import DEFAULT_LANGUAGE, t

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
# The language of this run's messages, set from --lang before the arguments are parsed:
# argument types say what is wrong while argparse runs, before `args` exists.
_LANGUAGE: ContextVar[str] = ContextVar("cli_language", default=DEFAULT_LANGUAGE)


class UsageError(Exception):
    """A bad argument value that argparse cannot see (exit 2); the message is the user's."""


def set_language(lang: str) -> None:
    _LANGUAGE.set(lang)


def language() -> str:
    return _LANGUAGE.get()


def say(key: str, lang: str, *, err: bool = False, **values) -> None:
    """The catalogue's message `key` on standard output (or error)."""
    print(t(key, lang, **values), file=sys.stderr if err else sys.stdout)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            t("cli.arg.date", language(), value=repr(text))) from None


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            t("cli.arg.whole", language(), value=repr(text))) from None
    if value < 1:
        raise argparse.ArgumentTypeError(t("cli.arg.at_least_one", language(), value=value))
    return value


def make_progress(stream=None):
    """A progress callback: a bar on a terminal, silent otherwise (logs, pipes, CI)."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def progress(done: int, total: int, label: str = "") -> None:
        width = 30
        filled = width * done // max(total, 1)
        stream.write(f"\r{label[:30]:<30} [{'#' * filled}{'.' * (width - filled)}] "
                     f"{done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return progress


def write_out(data: bytes, output: str | None, what: str, lang: str) -> None:
    """Bytes to the -o file (saying what was written on stderr), else to stdout."""
    if output:
        Path(output).write_bytes(data)
        say("cli.wrote", lang, err=True, output=output, what=what)
    else:
        sys.stdout.buffer.write(data)


def reason(problem, lang: str) -> str:
    return problem.reason_vi if lang == "vi" else problem.reason


def problem_line(problem, lang: str) -> str:
    """Where (row or feature, code, field, column), the value, and the reason."""
    where = []
    if getattr(problem, "row", None) is not None:
        where.append(t("cli.problem.row", lang, row=problem.row))
    if getattr(problem, "feature", None) is not None:
        where.append(t("cli.problem.feature", lang, feature=problem.feature))
    where += [str(x) for x in (getattr(problem, "code", None), getattr(problem, "name", None),
                               getattr(problem, "field", None), getattr(problem, "column", None))
              if x]
    value = f" {problem.value!r}" if getattr(problem, "value", "") else ""
    return f"{' '.join(where) or '-'}{value}: {reason(problem, lang)}"


def print_problems(head: str | None, problems, lang: str, *, out=None,
                   warnings: bool = False) -> None:
    """`head`, then one indented line a problem (each a warning, with `warnings`)."""
    out = out or sys.stderr
    if head:
        print(head, file=out)
    for p in problems:
        line = problem_line(p, lang)
        print("  " + (t("cli.problem.warning", lang, problem=line) if warnings else line),
              file=out)


def safe_url(url: str | None, lang: str) -> str:
    """A store URL fit to print: the password, and secrets in its query string
    (`?password=`, `?token=`…), masked."""
    from data.store.engine import masked_url

    try:
        return masked_url(url) if url else t("cli.url.default", lang)
    except Exception:  # an unparsable URL may still hold a secret: show none of it
        return t("cli.url.unparsable", lang)


def refuse_store_output(output: str | None, store, lang: str) -> None:
    """UsageError (exit 2, naming the file) when the file a command is to write is the
    SQLite store itself or one of its own files (-wal, -shm, -journal), under any name (a
    relative path, a symbolic or hard link): writing it would destroy the store. cli.py
    checks every command's output this way before the command runs."""
    if not output or store.path is None:
        return
    target = Path(output).resolve()
    for live in {store.path, store.path.resolve()}:
        for end in ("", "-wal", "-shm", "-journal"):
            own = live.with_name(live.name + end)
            if target == own.resolve() or (target.exists() and own.exists()
                                           and os.path.samefile(target, own)):
                raise UsageError(t("cli.output_is_store", lang, path=output, store=live))
