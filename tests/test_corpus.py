"""Every template of the shared corpus loads and lints without an internal error.

SAM translator rejections and other input errors are clean per-file errors: they are listed and
counted in the test output, never a crash.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import CORPUS
from tests.lint_helpers import lint

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def test_corpus_has_no_internal_errors(capsys: pytest.CaptureFixture[str]) -> None:
    results = [r for r in lint(str(CORPUS), jobs=2) if not r.skipped]
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
    assert len(results) >= 650
