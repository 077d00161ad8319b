"""Every template of the shared corpus loads and lints without an internal error.

SAM translator rejections and other input errors are clean per-file errors: they are listed and
counted in the test output, never a crash.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import require_corpus
from tests.lint_helpers import lint


@pytest.mark.corpus
def test_corpus_has_no_internal_errors(capsys: pytest.CaptureFixture[str]) -> None:
    corpus = require_corpus()
    results = [r for r in lint(str(corpus), jobs=2) if not r.skipped]
    internal = [r.internal_error for r in results if r.internal_error]
    errors = [r for r in results if r.errors]
    by_rule = Counter(f.rule for r in results for f in r.findings)
    with capsys.disabled():
        print(f"\ncorpus: {len(results)} sources, {sum(r.resources for r in results)} resources, "
              f"{len(errors)} with input errors, {len(internal)} internal errors")
        for r in errors:
            print(f"  input error: {r.error}")
        print(f"  findings by rule: {dict(sorted(by_rule.items()))}")
    assert internal == []
    linted = {Path(r.path).resolve().relative_to(corpus.resolve()).parts[0] for r in results}
    assert linted == {d.name for d in corpus.iterdir() if d.is_dir()}, "every part of the corpus holds templates"
