"""The command line speaks the language of --lang all the way: every command's --help,
argparse's own sentences ("usage:", "the following arguments are required", "invalid
choice") and each usage error are Vietnamese with --lang vi (the default) and English
with --lang en; no English word of the help or of argparse leaks into the Vietnamese.
Command names, option names, metavars and choices are what one types, not sentences."""

from __future__ import annotations

import argparse
import re

import pytest

from cli import build_parser, main
from commands.parser_language import MSGIDS, command_key, walk
from i18n import catalogue

PARSER = build_parser()  # built outside main: the code's own (English) help
COMMANDS = [path for path, *_ in walk(PARSER)]
# Lower-case words of 4+ letters: metavars (FILE), env names ($DATABASE_URL), choices
# in braces and option names are left out by the pattern or the stripping below.
WORD = re.compile(r"(?<![\w$/.:-])[a-z]{4,}(?![\w/.-]|:\S)")


def _typed() -> set[str]:
    """What one types rather than reads: command names and option choices."""
    out = set()
    for path, parser, _options, _choices in walk(PARSER):
        out |= {w for name in path for w in name.split("-")}
        out |= {str(c) for a in parser._actions if a.choices and not isinstance(
            a, argparse._SubParsersAction) for c in a.choices}
    return out


def _english_words() -> set[str]:
    texts = [a.help for _path, _p, options, choices in walk(PARSER)
             for a in [*options, *choices]] + [PARSER.description, *MSGIDS]
    vi = " ".join(v for k, v in catalogue("vi").items() if k.startswith("words."))
    words = {w for text in texts for w in WORD.findall(text)}
    return words - set(WORD.findall(vi)) - _typed()


ENGLISH = _english_words()


def _spoken(text: str) -> set[str]:
    """The words of `text` outside {choices}, 'quoted values' and option names."""
    text = re.sub(r"\{[^}]*\}|'[^']*'|--?[\w-]+", " ", text)
    return set(WORD.findall(text))


def _run(capsys, *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as done:
        main(list(argv))
    out = capsys.readouterr()
    return done.value.code, out.out + out.err


def test_the_english_words_are_known():
    assert {"usage", "following", "required", "show", "default", "output"} <= ENGLISH


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "cli")
def test_every_help_is_in_the_language_given(capsys, path):
    status, vi = _run(capsys, "--lang", "vi", *path, "--help")
    assert status == 0 and vi.startswith("cách dùng: python cli.py")
    assert _spoken(vi) & ENGLISH == set(), vi
    status, en = _run(capsys, "--lang", "en", *path, "--help")
    assert status == 0 and en.startswith("usage: python cli.py")
    assert "options:" in en and "tùy chọn" not in en


@pytest.mark.parametrize(("argv", "vi", "en"), [
    (["report"], "thiếu các tham số bắt buộc: --scope, --period, --format, -o/--output",
     "the following arguments are required: --scope"),
    (["report", "--scope", "city", "--period", "day:2021-09-19", "--format", "odt", "-o",
      "r"], "tham số --format: lựa chọn không hợp lệ: 'odt' (chọn một trong 'docx'",
     "argument --format: invalid choice: 'odt' (choose from 'docx'"),
    (["frob"], "tham số COMMAND: lựa chọn không hợp lệ: 'frob'", "invalid choice: 'frob'"),
    (["trends", "--from", "19/09/2021", "--to", "2021-09-20"],
     "tham số --from: cần một ngày dạng YYYY-MM-DD, nhận được '19/09/2021'",
     "argument --from: expected a date YYYY-MM-DD"),
    (["trends", "--from"], "tham số --from: cần một giá trị", "expected one argument"),
    (["repack", "--bogus"], "tham số không nhận ra: --bogus", "unrecognized arguments: --bogus"),
])
def test_usage_errors_in_the_language_given(capsys, argv, vi, en):
    status, said_vi = _run(capsys, "--lang", "vi", *argv)
    assert status == 2 and vi in said_vi and "lỗi: " in said_vi
    assert _spoken(said_vi) & ENGLISH == set(), said_vi
    assert not {"usage", "error", "argument"} & _spoken(said_vi)
    status, said_en = _run(capsys, "--lang", "en", *argv)
    assert status == 2 and en in said_en and "usage: " in said_en and "error: " in said_en


def test_vietnamese_is_the_default(capsys):
    status, said = _run(capsys, "report")
    assert status == 2 and "thiếu các tham số bắt buộc" in said


def test_every_help_has_both_texts_and_english_matches_the_code():
    """A new option or command without its words.cli key would leak English into the
    Vietnamese help; an English help changed in the code but not in the catalogue
    would print the stale one."""
    vi, en = catalogue("vi"), catalogue("en")
    for path, _parser, options, choices in walk(PARSER):
        keys = [(f"words.cli.help.{command_key(path)}.{a.dest}", a.help) for a in options]
        keys += [(f"words.cli.command.{command_key([*path, c.dest])}", c.help)
                 for c in choices]
        for key, code_help in keys:
            assert key in vi, key
            assert en.get(key) == code_help, key
    assert en["words.cli.description"] == PARSER.description


def test_argparse_speaks_english_again_after_a_run(capsys):
    _run(capsys, "--lang", "vi", "--help")
    assert argparse.ArgumentParser(prog="x").format_usage().startswith("usage: x")
