"""Test oracles: the first, row-by-row implementations of rules the product now computes
on grids. Tests hold the product to them; no product code imports them."""
