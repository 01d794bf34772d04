"""Shared ground: what every room stands on and nothing more.

The declarative `Base` (orm: one metadata, so Alembic sees every table), the clock
(clock: `utcnow`), masking of personal data (privacy) and field encryption
(field_crypto), folding of Chinese text as people type it (text), and where var/ is
(paths). It is the lowest layer (tests/test_layers.py): it imports no other project
package, so any room may use it without pulling in another room.
"""
