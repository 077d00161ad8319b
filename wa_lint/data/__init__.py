"""Data files shipped with wa-lint (tables, not code)."""
