"""The demo city (made-up province 99), also on real boundaries, with a simulated history."""
