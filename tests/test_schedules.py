"""``wa_lint.graph.schedules``: which schedules are periodic pings (RULES.md round 2, WA101/WA106)."""

from __future__ import annotations

import pytest

from wa_lint.graph.schedules import at_least_hourly


@pytest.mark.parametrize("expression", [
    "rate(1 minute)", "rate(5 minutes)", "rate(60 minutes)", "rate(1 hour)", " RATE(15 Minutes) ",
    "cron(0/15 * * * ? *)", "cron(0 * * * ? *)", "cron(*/10 * ? * * *)", "cron(5 0/1 * * ? *)", "cron(0 * * * ?)",
])
def test_at_least_hourly(expression: str) -> None:
    assert at_least_hourly(expression)


@pytest.mark.parametrize("expression", [
    "rate(61 minutes)", "rate(2 hours)", "rate(1 day)", "rate(0 minutes)", "cron(0 3 * * ? *)",
    "cron(0 8-17 ? * MON-FRI *)", "cron(0 * 1 * ? *)", "cron(0 * * JAN ? *)", "cron(0 * * * ? 2030)",
    "at(2030-01-01T00:00:00)", "cron(bad)", "", None, 5, {"Ref": "Rate"},
])
def test_not_at_least_hourly(expression: object) -> None:
    assert not at_least_hourly(expression)
