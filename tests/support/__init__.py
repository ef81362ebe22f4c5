"""What tests share: paths, fixtures, AppTest and browser harnesses, sample files."""
