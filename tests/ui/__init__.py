"""Tests of the dashboard: AppTest for every page, Chromium for what needs a browser."""
