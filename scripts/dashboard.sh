#!/usr/bin/env bash
# Install (first run only) and open the dashboard on the built-in demo city.
# The demo is generated into the SQLite store on first start when it has no areas.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py "$@"
