"""Security: identity and access, data protection and API access (Serverless Lens SEC 1–3)."""
