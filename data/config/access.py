"""Who may do what, in one table read by every interface: the roles, the actions each role
may take, the action each CLI command and each dashboard page needs, and the commands
that change the store. With no account in the store everything runs (local mode); the
checks themselves are data.store.accounts's (the CLI) and ui.auth_gate's (the dashboard).
"""

from __future__ import annotations

ROLES = ("viewer", "reporter", "coordinator", "admin")
_READ = frozenset({"read"})
ACTIONS = {
    "viewer": _READ,
    "reporter": _READ | {"upload"},
    "coordinator": _READ | {"rounds", "schedule", "export"},
    "admin": _READ | {"upload", "rounds", "schedule", "export", "users", "policy", "targets",
                      "areas", "audit", "backup"},
}

# The action each CLI command needs when the store has accounts; every command is listed
# (tests/data/config/test_access.py checks it), so none is let through by omission.
COMMAND_NEEDS = {
    "import-boundaries": "areas", "import-blocks": "areas", "ingest": "upload",
    "demo": "areas", "export-levels": "export", "export-map": "export", "targets": "read",
    "trends": "read", "today": "read", "record-rounds": "rounds", "schedule": "schedule",
    "report": "export",
    "user": "users", "token": "users", "audit": "audit", "backup": "backup", "restore": "backup",
    "repack": "backup",
}
# Commands that change the store: the policy they ran under is noted in the audit log.
WRITES = frozenset({"ingest", "record-rounds", "demo", "import-boundaries", "import-blocks"})

# The action each dashboard page needs, by its URL path (app.PAGES); "read" is anyone's,
# signed in or not. The schedule page's downloads and marks check more, part by part.
PAGE_NEEDS = {
    "today": "read", "map": "read", "table": "read", "trends": "read", "targets": "read",
    "upload": "upload", "report": "upload", "history": "read", "periodic": "read",
    "schedule": "read",
}


def roles_for(action: str) -> list[str]:
    """The roles that may take `action`, in ROLES order (a page says which it needs)."""
    return [r for r in ROLES if action in ACTIONS[r]]
