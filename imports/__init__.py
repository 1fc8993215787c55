"""Confirmed imports, each claimed once: a double-clicked or retried confirmation saves nothing
twice and shows the outcome of the first (see docs/imports.md)."""
