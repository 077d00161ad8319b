"""Reliability: failure management (Serverless Lens REL 1–2)."""
