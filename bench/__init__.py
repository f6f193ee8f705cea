"""Benchmarks (not tests): ``python -m bench`` — see bench/calendar_queries.py."""
