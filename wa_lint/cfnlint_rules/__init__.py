"""wa-lint's rules inside cfn-lint, by module path or by directory.

- ``cfn-lint -a wa_lint.cfnlint_rules template.yaml`` (or ``append_rules: [wa_lint.cfnlint_rules]``
  in ``.cfnlintrc``): cfn-lint imports this package and takes every rule class it finds in it.
  The classes are made when cfn-lint asks for them (module ``__dir__``/``__getattr__``), so
  importing the package, or its helpers, costs nothing and does not import cfn-lint.
- ``cfn-lint -a "$(wa-lint cfn-lint-rules-dir)"``: cfn-lint imports every ``*.py`` file in the
  directory whose name starts with a letter; only ``wa_lint_rules.py`` does, and it defines the
  same classes.

Either way cfn-lint must run in the environment wa-lint is installed in (see docs/integrations.md).
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from wa_lint.cfnlint_rules._support import rule_classes

    classes = rule_classes()
    if name in classes:
        return classes[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    from wa_lint.cfnlint_rules._support import rule_classes

    return sorted({*globals(), *rule_classes()})
