"""Configuration: settings table, clock, policy and targets files, access table."""
