"""The naive baselines the benchmarks measure against, in the same run: what a figure
would cost done the simple way."""
