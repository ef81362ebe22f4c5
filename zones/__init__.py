"""The domain as pure functions over tables: levels, policy, rounds, schedule, targets."""
