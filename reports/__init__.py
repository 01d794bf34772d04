"""Statistics and the monthly report: what the bot and the office did, by topic, channel,
decision, priority group and office.

The top of the import chain (reports → bot → handoff → intents → knowledge_base): it
reads every room's tables and changes none. The dashboard under /console/stats and
`python -m bot report` compute their figures with the same `stats.collect`.
"""
