"""Handler code analysis: which AWS SDK calls a function makes, and whether it does anything else."""
