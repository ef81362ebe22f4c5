"""Tests of data/ingest: decoding, validation, blocks, plan inputs, boundaries."""
