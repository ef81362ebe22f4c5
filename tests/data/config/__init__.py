"""Tests of data/config: the settings table, the clock, policy files, the access table."""
