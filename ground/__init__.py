"""Shared ground: what every room stands on and nothing more.

The declarative `Base` (one metadata, so Alembic sees every table), the clock
(`utcnow`), masking of personal data and field encryption. It is the lowest layer
(tests/test_layers.py): it imports no other project package, so any room may use it
without pulling in another room.
"""
