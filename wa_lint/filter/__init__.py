"""The filter stage, between the rules and the report, one module per step in flow order:

1. :mod:`~wa_lint.filter.policy`: the file's configuration policy (severity overrides,
   ``per-…-ignores`` with scopes, the rules the file selects, mandatory rules);
2. :mod:`~wa_lint.filter.inline`: inline suppressions in resource and CDK construct metadata and
   cfn-lint's ``ignore_checks`` (refused for mandatory rules), and the checks on them
   (:mod:`~wa_lint.filter.checks`: WA001, WA002, WA004, WA005, rules documented and registered
   in ``rules/operations/`` whose findings this step makes);
3. :mod:`~wa_lint.filter.severity`: ``--severity-min``;
4. :mod:`~wa_lint.filter.baseline`: the baseline file;
5. :mod:`~wa_lint.filter.dedup`: a finding reported by two files (a nested template) once;
6. :mod:`~wa_lint.filter.masking`: secrets masked in every finding, kept or taken out.

Steps 1, 2 and 6 need the stack and run per stack in the worker (called by the pipeline through
:class:`~wa_lint.filter.stage.FilterStage`); the others need every file's result and run in the
main process. Step 5 runs as results arrive (the runner), so steps 3 and 4 (the CLI) never see a
repeat: a baseline entry is never spent on a finding that would be dropped as a repeat anyway.
What a step takes out moves to the result's ``suppressed`` list with its reason.
"""
