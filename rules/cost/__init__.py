"""Cost optimization: direct integrations instead of glue functions (Serverless Lens COST 1)."""
