"""The Streamlit dashboard: chart, filter, trace and download the facts (see app.py)."""
