"""Benchmarks of glue-bookmarks against raw botocore; run them with `make bench`.

`python -m benchmarks` runs every `bench_*` module here (`python -m benchmarks parse` only
those whose name holds "parse"); each compares our call with the raw botocore equivalent,
measured interleaved in the same process, and prints the ratio next to its goal.
"""
