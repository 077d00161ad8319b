"""The language server shares the CLI's result cache for documents whose text is the file on disk
(just opened, or saved); an unsaved buffer is linted from its text, never from the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import wa_lint.cache
import wa_lint.pipeline
from wa_lint.lint_text import TextLinter
from wa_lint.pipeline import FileResult

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "fixtures" / "WA101" / "bad" / "s3-notification.yaml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(wa_lint.cache.OFF_ENV, raising=False)
    monkeypatch.setenv(wa_lint.cache.DIR_ENV, str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    shutil.copy(TEMPLATE, tmp_path / "template.yaml")
    return tmp_path


def _count_lints(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = wa_lint.pipeline.lint_source

    def counting(*args: object, **kwargs: object) -> FileResult:
        calls.append("lint")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(wa_lint.pipeline, "lint_source", counting)
    monkeypatch.setattr("wa_lint.lint_text.lint_source", counting)
    return calls


def test_saved_document_is_served_from_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_lints(monkeypatch)
    path = project / "template.yaml"
    text = path.read_text(encoding="utf-8")
    linter = TextLinter(isolated=True)
    first = linter.lint_text(text, path)
    second = linter.lint_text(text, path)
    assert [f.rule for f in first.findings] == [f.rule for f in second.findings]
    assert "WA101" in {f.rule for f in first.findings}
    assert calls == ["lint"]  # the second time the cache answered
    assert any((project / "cache").rglob("*")), "nothing was written to the cache"


def test_unsaved_buffer_is_linted_from_its_text(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_lints(monkeypatch)
    path = project / "template.yaml"
    text = path.read_text(encoding="utf-8")
    linter = TextLinter(isolated=True)
    linter.lint_text(text, path)
    edited = text.replace("NotifyCustomer", "NotifyBuyer") if "NotifyCustomer" in text else text + "\n# edited\n"
    result = linter.lint_text(edited, path)
    assert calls == ["lint"]  # the edited buffer did not go through the file-based pipeline
    assert result.findings
