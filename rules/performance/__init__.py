"""Performance efficiency (Serverless Lens PERF 1)."""
