"""Tests of data/store: store, packs and caches, accounts, audit, backup, locks."""
