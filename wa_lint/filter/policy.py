"""Step 1 of the filter stage: the configuration's policy for one finding.

A file's policy (:class:`~wa_lint.config.Policy`, from its nearest configuration) changes the
finding's severity and may ignore it, wholly or in part, through ``per-…-ignores`` entries with or
without ``applies-to`` scopes (:mod:`wa_lint.scopes`). :func:`judge` also decides inline
suppressions, which may carry the same scopes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from wa_lint.finding import Finding
from wa_lint.results import Suppressed
from wa_lint.scopes import Coverage, Scope, accepted_note, coverage

if TYPE_CHECKING:
    from wa_lint.config import Policy


def _with_union(scopes: list[Scope | None]) -> list[Scope | None]:
    """``scopes`` plus their union when several constrain the same kinds (together they cover
    what either covers: one entry for ``s3:Abort*``, another for ``s3:Put*``)."""
    real = [s for s in scopes if s is not None]
    kinds = {tuple(k for k, _ in s.globs) for s in real}
    if len(real) < 2 or len(real) != len(scopes) or len(kinds) != 1:
        return scopes
    union = {k: sorted({g for s in real for kk, gl in s.globs if kk == k for g in gl}) for k in kinds.pop()}
    return [*scopes, Scope(tuple((k, tuple(v)) for k, v in union.items()))]


def judge(scopes: list[Scope | None], subjects: dict[str, list[str]]) -> Coverage | None:
    """The best coverage ``scopes`` give, alone or together (full first, then the largest
    partial); None when none covers anything."""
    best: Coverage | None = None
    for scope in _with_union(scopes):
        cover = coverage(scope, subjects)
        if cover.full:
            return cover
        if cover.partial and (best is None or sum(map(len, cover.accepted.values()))
                              > sum(map(len, best.accepted.values()))):
            best = cover
    return best


@dataclass(slots=True)
class Use:
    """How often one suppression matched in one stack."""

    matched: int = 0
    partial: int = 0
    refused: bool = False


def by_policy(policy: Policy, finding: Finding, uses: dict[int, Use]) -> tuple[Suppressed | None, str]:
    """Apply ``policy`` to ``finding`` (its severity override first): the :class:`Suppressed`
    record when an ignore entry covers all of it, else the note naming the part entries accept
    (empty when none). ``uses`` counts each entry's matches, for the suppression review."""
    policy.adjust(finding)
    entries = policy.matching(finding)
    accepting = []  # the entries that accept some of the finding: the reason names only those
    for entry in entries:
        one = coverage(entry.scope, finding.subjects)
        use = uses.setdefault(id(entry), Use())
        use.matched += one.full
        use.partial += one.partial
        if one.full or one.partial:
            accepting.append(entry)
    cover = judge([e.scope for e in entries], finding.subjects)
    if cover is not None and cover.full:
        why = "; ".join(dict.fromkeys(e.why for e in accepting or entries))
        scope = "; ".join(dict.fromkeys(e.scope.text() for e in accepting or entries if e.scope is not None))
        return Suppressed(finding, "config", why, scope), ""
    return None, accepted_note(cover) if cover is not None else ""
