"""Intents: detection, the eligibility questionnaire and the rules engine."""
