"""Every finding message in the fixtures' expected findings is one line of at most 160 characters
(issue 16 item 5, ruff's message / fix-title split): the explanation is the rule's docstring
(*Why*, `wa-lint explain`), the remedy its ``fix``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.conftest import ROOT

MAX = 160
#: Rules whose messages still exceed MAX on some fixture (IAM statement lists, long CDK ids, route
#: lists, WA502's stage wording): to be shortened; the test fails when one of them is fixed and not
#: removed from here, or when any other rule goes over.
PENDING = {"WA004", "WA102", "WA103", "WA107", "WA201", "WA202", "WA204", "WA207", "WA210", "WA213", "WA221",
           "WA301", "WA302", "WA303", "WA401", "WA502", "WA503", "WA504"}


def _findings(doc: Any) -> Iterator[dict[str, Any]]:
    if isinstance(doc, dict):
        if "rule" in doc and "message" in doc:
            yield doc
        for value in doc.values():
            yield from _findings(value)
    elif isinstance(doc, list):
        for value in doc:
            yield from _findings(value)


def expected_messages() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted((ROOT / "fixtures").rglob("*expected.json")):
        for f in _findings(json.loads(path.read_text(encoding="utf-8"))):
            out.append((str(path.relative_to(ROOT)), f["rule"], f["message"]))
    return out


def test_fixtures_have_messages() -> None:
    assert len(expected_messages()) > 300


def test_every_message_is_one_line() -> None:
    bad = [(p, r, m) for p, r, m in expected_messages() if "\n" in m or "\r" in m or m != m.strip()]
    assert not bad, bad[:5]


def test_every_message_is_short() -> None:
    long = [(p, r, len(m)) for p, r, m in expected_messages() if len(m) > MAX]
    assert not [x for x in long if x[1] not in PENDING], [x for x in long if x[1] not in PENDING][:10]
    still = {r for _p, r, _n in long}
    assert still >= PENDING, f"shortened, remove from PENDING: {sorted(PENDING - still)}"
