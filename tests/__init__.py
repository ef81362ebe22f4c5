"""The tests: one folder per package; shared helpers in support/, oracles in oracles/."""
