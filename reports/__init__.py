"""Statistics and the monthly report: what the bot and the office did, by topic, channel,
decision, priority group and office.

Above the other domains (layers in tests/test_layers.py): it reads every room's tables
and changes none. The dashboard under /console/stats (console/stats.py) and
`python -m bot report` compute their figures with the same `stats.collect`.
"""
