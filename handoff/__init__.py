"""Handoff to people: offices, applications, appointments and the staff console."""
