"""Tests of data/reports: report content and the written documents."""
