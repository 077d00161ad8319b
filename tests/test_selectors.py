"""One rule selector matcher (config.selector_matches) for --select/--ignore, configuration and explain."""

from __future__ import annotations

import pytest

from wa_lint.config import ConfigError, expand_selectors
from wa_lint.plugins import PluginError, find_rule, load_rules, rule_hint, select_rules


def test_command_line_and_configuration_agree() -> None:
    rules = load_rules()
    for selectors in (["WA1"], ["wa101"], [rules[0].name], ["ALL"], ["WA2", "WA401"]):
        by_flag = {m.id for m in select_rules(rules, selectors)}
        assert by_flag == set(expand_selectors(rules, selectors, "test")), selectors
    assert select_rules(rules, ["ALL"], ["ALL"]) == []  # ignore ALL ignores everything, as in configuration


def test_explain_takes_one_id_or_name_only() -> None:
    rules = load_rules()
    assert find_rule(rules, "wa101") is rules[[m.id for m in rules].index("WA101")]
    assert find_rule(rules, rules[0].name) is rules[0]
    assert find_rule(rules, "WA1") is None  # a prefix names several rules
    assert find_rule(rules, "ALL") is None
    assert find_rule(rules, "E9101") is find_rule(rules, "w9101") is find_rule(rules, "WA101")  # cfn-lint plugin ids
    assert find_rule(rules, "E9999") is None


def test_near_misses_get_a_suggestion() -> None:
    rules = load_rules()
    with pytest.raises(PluginError, match="did you mean 'queue-without-dlq'"):
        select_rules(rules, ["queue-without-dql"])
    with pytest.raises(PluginError, match="did you mean 'WA101'"):
        select_rules(rules, ["WA1O1"])
    assert rule_hint("zzzzzz", rules) == ""


def test_unknown_selectors_are_named() -> None:
    rules = load_rules()
    with pytest.raises(PluginError, match="WA999"):
        select_rules(rules, ["WA999"])
    with pytest.raises(ConfigError, match="WA999"):
        expand_selectors(rules, ["WA999"], "test")
