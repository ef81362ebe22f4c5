"""Tests of the command line: cli.py and the commands in commands/."""
