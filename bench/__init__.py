"""Benchmarks and the synthetic data they run on: `python -m bench` (see docs/BENCHMARKS.md)."""
