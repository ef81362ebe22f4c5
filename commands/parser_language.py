"""The command line's help and usage in the language of --lang: argparse's own sentences
("usage:", "the following arguments are required") through the gettext hook it calls,
and every command's and option's help from the catalogue (words.cli.*), so `--lang vi
--help` and a usage error print no English sentence. The English catalogue holds the
same help as the code's help= (a test keeps them equal)."""

from __future__ import annotations

import argparse
import contextlib

from i18n import catalogue

# argparse's gettext msgids (Python 3.11) → keys of words.argparse.
MSGIDS = {
    "usage: ": "usage",
    "positional arguments": "positional",
    "options": "options",
    "show this help message and exit": "help",
    "subcommands": "subcommands",
    "argument %(argument_name)s: %(message)s": "argument",
    "%(prog)s: error: %(message)s\n": "error",
    "the following arguments are required: %s": "required",
    "one of the arguments %s is required": "one_required",
    "unrecognized arguments: %s": "unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid_choice",
    "invalid %(type)s value: %(value)r": "invalid_type",
    "expected one argument": "expected_one",
    "expected at most one argument": "expected_at_most_one",
    "expected at least one argument": "expected_at_least_one",
    "expected %s argument": "expected_n",
    "expected %s arguments": "expected_n",
    "ambiguous option: %(option)s could match %(matches)s": "ambiguous",
    "not allowed with argument %s": "not_allowed_with",
    "ignored explicit argument %r": "ignored_explicit",
    "can't open '%(filename)s': %(error)s": "cannot_open",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "unknown_parser",
}


def translate(message: str, lang: str) -> str:
    """argparse's `message` in `lang` (itself when the catalogue has no such sentence)."""
    key = MSGIDS.get(message)
    return message if key is None else catalogue(lang)[f"words.argparse.{key}"]


@contextlib.contextmanager
def speaking(lang: str):
    """argparse writes in `lang` inside the block, as before outside it. argparse binds
    gettext's functions as its module globals `_` and `ngettext` and calls them when it
    builds a parser and when it writes (help, usage, errors), so both are swapped here
    for the run, and put back even when argparse exits."""
    before = argparse._, argparse.ngettext
    argparse._ = lambda message: translate(message, lang)
    argparse.ngettext = lambda one, many, n: translate(one if n == 1 else many, lang)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = before


def command_key(path: list[str]) -> str:
    return "_".join(path).replace("-", "_") or "main"


def _subcommands(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield action


def walk(parser: argparse.ArgumentParser, path: list[str] | None = None):
    """(command path, parser, its option actions, its subcommand choice actions), the
    whole tree: what carries help text."""
    path = path or []
    options = [a for a in parser._actions if a.help not in (None, argparse.SUPPRESS)
               and not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)]
    choices = [c for s in _subcommands(parser) for c in s._choices_actions]
    yield path, parser, options, choices
    for sub in _subcommands(parser):
        for name, child in sub.choices.items():
            yield from walk(child, [*path, name])


def localise(parser: argparse.ArgumentParser, lang: str) -> None:
    """Every description, command help and option help of `parser` from the catalogue
    of `lang`, where it has one."""
    words = catalogue(lang)
    parser.description = words.get("words.cli.description", parser.description)
    for path, _parser, options, choices in walk(parser):
        for a in options:
            a.help = words.get(f"words.cli.help.{command_key(path)}.{a.dest}", a.help)
        for c in choices:
            c.help = words.get(f"words.cli.command.{command_key([*path, c.dest])}", c.help)
