"""The curated legal knowledge base: content, the Chinese matcher and its store.

Pure parts (normalize, segment, index, match) know nothing of Flask, WeChat or the
database, so the benchmarks and most tests call them directly.
"""
