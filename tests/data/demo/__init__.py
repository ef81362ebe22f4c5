"""Tests of data/demo: the demo city and the demo on real boundaries."""
