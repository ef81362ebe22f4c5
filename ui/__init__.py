"""The dashboard beneath app.py: its pages (ui/pages), its map component
(ui/components) and the helpers the pages share; with app.py the only code that imports
Streamlit."""
