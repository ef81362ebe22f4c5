"""Tests of zones/: the domain rules, as boundary tables and property tests."""
