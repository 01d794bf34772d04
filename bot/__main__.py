"""python -m bot → bot.cli.main"""
import sys

from .cli import main

sys.exit(main())
