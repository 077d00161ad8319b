"""Regenerate ``docs/rules/<ID>.md`` and the README's rule table from rule metadata.

Run ``make docs``; a test fails when the checked-in files differ from what this writes.
"""

from __future__ import annotations

from pathlib import Path

from wa_lint.docs import readme_with_table, rule_page
from wa_lint.plugins import load_rules

ROOT = Path(__file__).resolve().parent.parent


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    rules = load_rules()
    files = {root / "docs" / "rules" / f"{m.id}.md": rule_page(m, root / "fixtures") for m in rules}
    readme = root / "README.md"
    files[readme] = readme_with_table(readme.read_text(encoding="utf-8"), rules)
    return files


def main() -> None:
    for path, text in expected_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
