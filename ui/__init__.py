"""Streamlit page modules of the dashboard (the only package besides app.py that may
import Streamlit; ui/strings_pending.py does not)."""
