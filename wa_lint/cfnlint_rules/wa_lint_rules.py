"""The module cfn-lint loads from this directory: one ``CloudFormationLintRule`` subclass per
wa-lint rule (``WA101`` → ``E9101``), built when cfn-lint imports it."""

from __future__ import annotations

from wa_lint.cfnlint_rules import _support

globals().update(_support.rule_classes())
