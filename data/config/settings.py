"""Every setting the product reads from its environment, declared once with its default
and what it is for. Code reads a setting through `value(NAME)`, never `os.environ`; the
README's "Settings" table lists each one (tests/test_docs checks it does)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    default: str | None
    help: str  # for the person deploying it; the README says the same


SETTINGS = {s.name: s for s in (
    Setting("DATABASE_URL", None,
            "SQLAlchemy URL of the store (e.g. postgresql+psycopg://user@host/db); "
            "--db wins over it"),
    Setting("DATABASE_URL_FILE", None,
            "a file holding that URL (a Docker or systemd credential), read when "
            "DATABASE_URL is not set"),
    Setting("VUNGXANH_DB", None, "older name for DATABASE_URL, read by the dashboard only"),
    Setting("VUNGXANH_LOG_FILE", "vungxanh.log",
            "where the tracebacks of internal errors go (users see a reference id)"),
    Setting("VUNGXANH_CACHE", None,
            "folder for the built map component and its data files (default: "
            "vungxanh/ in the system temp folder)"),
    Setting("VUNGXANH_TILES", None,
            "optional base-map tile URL template; none by default, so the map works "
            "offline"),
    Setting("VUNGXANH_TILES_ATTR", None, "attribution shown with VUNGXANH_TILES"),
    Setting("VUNGXANH_USER", None, "the account a CLI command runs as (like --as-user)"),
    Setting("VUNGXANH_PASSWORD", None,
            "that account's password for the CLI (never an argument: arguments show in ps)"),
    Setting("VUNGXANH_SESSION_SECRET", None,
            "the key that signs the dashboard's sign-in cookie, at least 32 characters "
            "(default: a random key made once and kept in the store)"),
    Setting("VUNGXANH_SESSION_SECRET_FILE", None,
            "a file holding that key, read when VUNGXANH_SESSION_SECRET is not set"),
    Setting("VUNGXANH_SESSION_HOURS", "8",
            "how long a dashboard sign-in lasts, across reloads and tabs, until signed out"),
    Setting("VUNGXANH_TRUSTED_PROXIES", None,
            "comma-separated addresses or CIDR ranges of the reverse proxies whose "
            "X-Forwarded-For names the client for the sign-in lockout"),
    Setting("VUNGXANH_API_READ", "public",
            "who may read the HTTP API /api/v1: public (anyone) or token (a token made "
            "with `cli.py token add`)"),
)}
DEFAULT_URL = "sqlite:///vungxanh.db"


def value(name: str) -> str | None:
    """The setting's value: the environment's if set and not empty, else its default.
    KeyError for a name the table does not declare, so no setting is read unlisted."""
    setting = SETTINGS[name]
    return os.environ.get(name) or setting.default


def is_set(name: str) -> bool:
    """Whether the environment sets `name` at all (an empty password is still given)."""
    SETTINGS[name]
    return name in os.environ


def database_url(url: str | None = None, *, legacy: bool = False) -> str:
    """--db wins, then DATABASE_URL (then VUNGXANH_DB, with `legacy`: the dashboard's older
    name), then the file DATABASE_URL_FILE names, then the SQLite file in the working
    directory."""
    url = url or value("DATABASE_URL") or (value("VUNGXANH_DB") if legacy else None)
    if url:
        return url
    if secret := value("DATABASE_URL_FILE"):
        return Path(secret).read_text(encoding="utf-8").strip()
    return DEFAULT_URL


def log_to_file() -> None:
    """Send the vungxanh logger to VUNGXANH_LOG_FILE once (the dashboard and the CLI)."""
    log = logging.getLogger("vungxanh")
    if not log.handlers:
        log.addHandler(logging.FileHandler(value("VUNGXANH_LOG_FILE"), delay=True))
