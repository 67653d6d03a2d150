// Intentionally empty: the raw child_process.fork baseline for Process start + join.
