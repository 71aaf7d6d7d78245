"""Benchmarks (``make bench``), each a ratio against a baseline in the same run."""
