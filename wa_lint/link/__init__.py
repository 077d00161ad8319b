"""One application across stacks: the link stage (``docs/architecture.md``, "Linking stacks").

``index`` finds what links (exports and imports, SSM parameters, deployment values) once per run;
``view`` shows each stack to its rules with the stacks it is linked with; ``rewrite`` does the
substitution; ``deploy`` reads what deployments pass (samconfig.toml, parameter files).
"""
