"""Custom Streamlit components written for this dashboard (their front-end code sits in a
folder of the same name)."""
