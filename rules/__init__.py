"""The built-in rule pack: one module per rule, grouped by pillar.

Shipped inside the wheel as ``wa_lint.rules`` and loaded through the ``wa_lint.rules`` entry point,
exactly like a third-party pack.
"""
