"""Tests of data/exports: levels, schedule and map files, safe output."""
