"""Rule documentation from rule metadata: ``wa-lint rules``/``explain``, ``docs/rules/<ID>.md``
and the README's rule table all come from here, so they cannot drift apart."""

from __future__ import annotations

import json
from pathlib import Path

from wa_lint.finding import RuleMeta

DOCS_URL = "https://github.com/wa-lint/wa-lint/blob/main/docs/rules/{id}.md"
TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def rules_text(rules: list[RuleMeta]) -> str:
    width = max((len(m.name) for m in rules), default=0)
    lines = [f"{m.id}  {m.severity.value:<7}  {m.pillar.value:<22}  {m.name:<{width}}  {m.lens}"
             f"{'' if m.enabled else '  (off by default)'}" for m in rules]
    return "\n".join(lines) + "\n"


def rules_json(rules: list[RuleMeta]) -> str:
    data = [
        {"id": m.id, "name": m.name, "pillar": m.pillar.value, "severity": m.severity.value,
         "lens": m.lens, "enabled": m.enabled, "summary": m.summary}
        for m in rules
    ]
    return json.dumps(data, indent=2) + "\n"


def rules_markdown_table(rules: list[RuleMeta]) -> str:
    rows = ["| id | name | pillar | severity | lens | what it checks |", "| --- | --- | --- | --- | --- | --- |"]
    for m in rules:
        default = "" if m.enabled else " (off by default)"
        rows.append(f"| [{m.id}](docs/rules/{m.id}.md) | `{m.name}` | {m.pillar.label} | {m.severity.value}{default} "
                    f"| {m.lens} | {m.summary} |")
    return "\n".join(rows) + "\n"


def explain(meta: RuleMeta) -> str:
    """The rule's page: heading, metadata, then its docstring."""
    header = [
        f"# {meta.id} {meta.name}",
        "",
        f"- Pillar: {meta.pillar.label}",
        f"- Severity: {meta.severity.value}{'' if meta.enabled else ' (off by default; add it with --extend-select)'}",
        f"- Serverless Lens: {meta.lens}",
        "",
        "",
    ]
    return "\n".join(header) + meta.doc.strip() + "\n"


def rule_page(meta: RuleMeta, fixtures_root: Path) -> str:
    """``docs/rules/<ID>.md``: the explanation plus the fixtures that prove the rule."""
    page = explain(meta)
    rule_dir = fixtures_root / meta.id
    for group, title in (("bad", "Triggers on"), ("good", "Stays silent on")):
        entries = sorted(p.name for p in (rule_dir / group).glob("*")
                         if not p.name.endswith((".expected.json", ".evaluated.json")))
        if entries:
            page += f"\n## {title}\n\n" + "".join(f"- `fixtures/{meta.id}/{group}/{e}`\n" for e in entries)
    return page


def readme_with_table(readme: str, rules: list[RuleMeta]) -> str:
    """The README with its generated rule table replaced."""
    start, end = readme.index(TABLE_START) + len(TABLE_START), readme.index(TABLE_END)
    return readme[:start] + "\n" + rules_markdown_table(rules) + readme[end:]
