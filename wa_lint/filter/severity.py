"""Step 3 of the filter stage: ``--severity-min``, after the stack-level stage (main process).

Findings under the threshold are not reported at all: not listed, not counted, not baselined.
"""

from __future__ import annotations

from wa_lint.finding import Severity
from wa_lint.results import FileResult


def drop_below(results: list[FileResult], minimum: Severity) -> None:
    """Remove the findings whose severity ranks under ``minimum`` from every result."""
    for result in results:
        result.findings = [f for f in result.findings if f.severity is None or f.severity.rank >= minimum.rank]
