"""Tests of the benchmarks in bench/ and their baselines."""
