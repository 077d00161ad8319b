"""Every finding message in the fixtures' expected findings is one line of at most 160 characters
(issue 16 item 5, ruff's message / fix-title split): the explanation is the rule's docstring
(*Why*, `wa-lint explain`), the remedy its ``fix``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tests.conftest import ROOT

MAX = 160
#: Rules whose messages may still exceed MAX on some fixture: none. A rule listed here must have an
#: over-long message (the test fails once it is fixed and still listed); any other rule going over fails.
PENDING: set[str] = set()


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


def test_shorten_cuts_the_middle_to_the_budget() -> None:
    from wa_lint.api import shorten

    name = "IngestHandler/KinesisEventSource:IngestStackIngestStreamD1E2F3A4"
    assert shorten("Orders") == "Orders"
    cut = shorten(name, 40)
    assert len(cut) == 40
    assert "…" in cut
    assert cut.startswith("IngestHandler/")
    assert cut.endswith("StreamD1E2F3A4")
    sam = shorten("OrdersApiDeploymentba24062476abcdef0123 (from SAM OrdersApi)", 40)
    assert sam.endswith(" (from SAM OrdersApi)")
    assert len(sam) <= 40


def test_fitting_takes_the_first_message_that_fits() -> None:
    from wa_lint.api import MESSAGE_MAX, fitting

    assert fitting(["x" * (MESSAGE_MAX + 1), "short", "shorter"]) == "short"
    assert fitting(["x" * 200, "y" * 180]) == "y" * 180  # none fits: the last, shortest form


def test_engine_fits_every_message_to_one_line() -> None:
    """The engine's last step (``fit_message``) holds for any rule, third-party ones included:
    consequence clauses go first, then long names shrink, then the middle of a long list."""
    from wa_lint.finding import MESSAGE_MAX, fit_message

    assert fit_message("Queue Jobs has no DLQ: messages\nare retried") == "Queue Jobs has no DLQ: messages are retried"
    long_tail = "Queue OrdersQueueWithAVeryDescriptiveName has no dead-letter queue: " + "lost " * 40
    assert fit_message(long_tail) == "Queue OrdersQueueWithAVeryDescriptiveName has no dead-letter queue"
    names = ("Event source mapping monitoring/CalculateMetricsDynamoDBEventSourceStatusTable7052596D reads the "
             "stream of dynamoDataCatalog/StatusTable into monitoring/CalculateMetrics without an on-failure "
             "destination")
    fitted = fit_message(names)
    assert len(fitted) <= MESSAGE_MAX
    assert fitted.endswith("without an on-failure destination")
    assert "…" in fitted
    many_names = ('inline policy "AllowLambdaFunctionality" of DataProcessingExecutionRole (statement 1) allows * '
                  "on 5 resources to IngestUnicornRawDataFunction and TransformAndMapDataFunction")
    fitted = fit_message(many_names)  # names shrink further (to 16) before any word is lost
    assert len(fitted) <= MESSAGE_MAX
    assert " … " not in fitted
    assert "(statement 1) allows * on 5 resources to" in fitted
    steps = ", ".join(f"Step {i}" for i in range(60))
    listed = f"State machine S: Task states {steps} have neither Retry nor Catch"
    fitted = fit_message(listed)
    assert len(fitted) <= MESSAGE_MAX
    assert fitted.startswith("State machine S: Task states Step 0")
    assert fitted.endswith("have neither Retry nor Catch")
    for text in ("x" * 1000, "a " * 1000, ("y" * 30 + " ") * 50):
        assert len(fit_message(text)) <= MESSAGE_MAX
