"""Benchmarks: a deterministic corpus generator and the build/lint timing runner."""
