"""Tests of data/, one folder per subpackage."""
