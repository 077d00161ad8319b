"""Operational excellence (Serverless Lens OPS 1–2)."""
