"""Screening: reviewer sheets out, decisions back, agreement, conflicts and prioritisation."""
