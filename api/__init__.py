"""The HTTP API, `/api/v1/…` (SPEC "Interfaces for other systems"): Starlette routes served
by the dashboard's own server (app.py's `st.App`), answering from the same services as the
dashboard and the CLI (data/services/, data/exports/)."""
