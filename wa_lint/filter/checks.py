"""The suppression checks: WA001 (no reason), WA002 (invalid), WA004 (mandatory rule suppressed)
and WA005 (stale suppression).

They are rules like any other, documented and registered in ``rules/operations/`` through the
``wa_lint.rules`` entry point (selected, ignored, given a severity, listed by ``wa-lint rules``),
but their findings come from the filter stage, which reads the suppressions: their ``check``
yields nothing. :func:`stamp` gives a finding the stage makes its check's name, pillar and
severity, looked up by id in the registered rules when the finding is made, so the stage itself
(pickled to workers, digested by the cache) holds only ids.
"""

from __future__ import annotations

from functools import lru_cache

from wa_lint.finding import Finding, Pillar, RuleMeta

WITHOUT_REASON = "WA001"
INVALID = "WA002"
MANDATORY_SUPPRESSED = "WA004"
STALE = "WA005"
META_IDS = frozenset({WITHOUT_REASON, INVALID, MANDATORY_SUPPRESSED, STALE})


@lru_cache(maxsize=1)
def _registered() -> dict[str, RuleMeta]:
    """The checks' metadata as the installed packs register it (once per process)."""
    from wa_lint.plugins import PluginError, load_rules

    try:
        return {m.id: m for m in load_rules() if m.id in META_IDS}
    except PluginError:  # a broken third-party pack is reported where rules are loaded, not here
        return {}


def stamp(finding: Finding, rule_id: str) -> Finding:
    """``finding``, made by the filter stage for the check ``rule_id``, with the check's metadata."""
    finding.rule = rule_id
    meta = _registered().get(rule_id)
    if meta is None:  # the built-in pack always registers them; never fail a lint over it
        finding.name, finding.pillar = finding.name or rule_id, finding.pillar or Pillar.OPERATIONS.value
        return finding
    finding.name, finding.pillar = meta.name, meta.pillar.value
    finding.severity = finding.severity or meta.severity
    return finding


def rule_aliases(rules: list[RuleMeta]) -> dict[str, str]:
    """Id and name → id for every known rule (suppressions may use either); the checks are known
    even when ``rules`` leaves them out."""
    aliases: dict[str, str] = {}
    known = {meta.id for meta in rules}  # every rule (a run's): loading the packs again would only cost
    for meta in [*(() if known >= META_IDS else _registered().values()), *rules]:
        aliases[meta.id] = meta.id
        aliases[meta.name] = meta.id
    return aliases
