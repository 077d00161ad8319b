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

# The other tools live in their own environment so that their pins cannot change wa-lint's.
.venv-bench/.installed:
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet cfn-lint cfn-lint-serverless checkov
	touch .venv-bench/.installed

bench: $(STAMP) .venv-bench/.installed
	$(BIN)/python bench/run.py --tools-bin .venv-bench/bin

clean:
	rm -rf $(VENV) .venv-bench build *.egg-info .pytest_cache .mypy_cache .ruff_cache
