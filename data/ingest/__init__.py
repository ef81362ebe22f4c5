"""What users give, read and judged: zone files, block tables, plan inputs, boundaries."""
