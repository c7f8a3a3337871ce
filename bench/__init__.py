"""Benchmarks: each prints its figures and writes them to a JSON file under bench/results/."""
