"""Placeholder: the status of measures as plain data (see the schema in the brief)."""
