"""One dashboard server (`streamlit run app.py`) on a small demo store for the API tests,
shared by the modules of this folder: starting one takes seconds."""

from __future__ import annotations

import pytest

from tests.support.browser import ARTIFACTS, demo_store, streamlit_process


@pytest.fixture(scope="session")
def api_base(tmp_path_factory) -> str:
    """The API's base URL (…/api/v1) on a public-read server over a SQLite demo store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"
    demo_store(url).dispose()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with streamlit_process(url, ARTIFACTS / "streamlit-api.log",
                           env={"VUNGXANH_API_READ": "public"}) as (_proc, base, _start):
        yield f"{base}/api/v1"
