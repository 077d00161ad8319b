"""wa-lint's rules as a cfn-lint rules directory: ``cfn-lint --append-rules "$(wa-lint cfn-lint-rules-dir)"``.

cfn-lint imports every ``*.py`` file in the directory whose name starts with a letter; only
``wa_lint_rules.py`` does, and it builds one cfn-lint rule class per wa-lint rule (see
:mod:`._support`). Importing this package itself costs nothing.
"""
