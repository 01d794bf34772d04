"""Where the project's files are: the checkout root and var/ (database, caches, keys).

`FAYUAN_VAR_DIR` moves var/ elsewhere (tests, a container volume). Shared ground so that
a room's own command-line tools (training, evaluation) use the same cache as the server
without importing the bot's configuration.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FAYUAN_VAR_DIR", ROOT / "var"))
