# Two commands do all the set-up: `make report` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test lint typecheck docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/wa-lint report examples --fail-on never

lint: $(STAMP)
	$(BIN)/ruff check wa_lint rules tests bench tools
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

docs: $(STAMP)
	$(BIN)/python -m wa_lint.gen_docs

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
