"""Benchmarks of hil: start-up and stream rendering (`make bench`)."""
