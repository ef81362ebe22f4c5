"""The static report map (matplotlib), readable in black and white."""
