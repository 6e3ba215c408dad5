# One virtual environment, installed from the hashed lock file; every target sets it up.
PYTHON ?= python3
VENV   ?= .venv
export NO_MKDOCS_2_WARNING := 1
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: site site-build test test-run serve lint bundle bench bench-base bench-scale eval clean lock

# Before pip: a Python too old for the lock gets one line saying what to do; a .venv made by another Python
# (say, a failed first try with Debian 12's 3.11.2) is rebuilt, not reused.
CHECK_PYTHON = @MAKE_TARGET=$(firstword $(MAKECMDGOALS) site) scripts/check_python.sh "$(PYTHON)" "$(VENV)" "$(origin PYTHON)"

$(STAMP): requirements.lock pyproject.toml
	$(CHECK_PYTHON)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Third-party browser code (Material's Worker shim for file://) from the npm registry, pinned by package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Build the published site into site/ and the offline bundle into dist/.
## ENGINE=mkdocs (default), properdocs or zensical; citation-lint runs first on every engine and stops on errors
## (scripts/build_site.py; Zensical runs no MkDocs plugin, so this is its only check there). The offline bundle is
## always built with MkDocs.
ENGINE ?= mkdocs
ENGINES := mkdocs properdocs zensical
CHECK_ENGINE = @case " $(ENGINES) " in *" $(ENGINE) "*) ;; \
	  *) echo "make: ENGINE must be one of: $(ENGINES) (not '$(ENGINE)')" >&2; exit 2;; esac
site:
	$(CHECK_ENGINE)
	@scripts/system_deps.sh site
	$(CHECK_PYTHON)
	@$(MAKE) --no-print-directory site-build
site-build: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/build_site.py --engine $(ENGINE) --site-dir site
	$(BIN)/python scripts/build_offline.py --out dist

bundle: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/build_offline.py --out dist

## Every test: unit, extension, real builds.
## Missing system packages (Chromium, fonts, npm) are installed first when root, else named with the command to run.
test:
	@scripts/system_deps.sh test
	$(CHECK_PYTHON)
	@$(MAKE) --no-print-directory test-run
test-run: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check plugins tests scripts hooks bench
	$(BIN)/mypy
	$(BIN)/pytest

## Live preview on http://127.0.0.1:8000/back-hip-thigh/ (the path of site_url; rebuilds when content/ or
## references.bib change; ENGINE= as for site). Not strict: a draft with errors is served, the errors shown on the page and listed.
serve: $(STAMP)
	$(CHECK_ENGINE)
	$(BIN)/$(ENGINE) serve

## Check that every claim is cited and every reference is sound.
lint: $(STAMP)
	$(BIN)/citation-lint

## Re-pin every dependency (needs the network); commit requirements.lock afterwards.
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra test --extra engines --generate-hashes --allow-unsafe --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

## Benchmark: plain Material vs the citations plugin vs mkdocs-bibtex (own environment); writes BENCHMARKS.md.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: requirements.lock bench/requirements-bench.lock pyproject.toml
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r bench/requirements-bench.lock
	$(BENCH_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m bench.run --python $(BENCH_VENV)/bin/python --write BENCHMARKS.md

## Before and after in the same rounds: BASE=<commit> is installed in its own worktree and venv (.bench-base/) and
## its build and lint run beside the current code's, interleaved (e.g. make bench-base BASE=392b1eb).
BASE ?= HEAD~1
bench-base: $(BENCH_VENV)/.installed
	rm -rf .bench-base && git worktree prune && git worktree add --detach .bench-base $(BASE)
	$(PYTHON) -m venv .bench-base/.venv
	.bench-base/.venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r .bench-base/requirements.lock
	.bench-base/.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .bench-base
	$(BENCH_VENV)/bin/python -m bench.run --python $(BENCH_VENV)/bin/python --baseline-python .bench-base/.venv/bin/python \
		--runs plain:cold,ours:cold,ours:warm,lint:cold,lint:warm --section bench-base --write BENCHMARKS.md

## The scale point: 5,000 prose pages, one round, in sections of 100 with the navigation pruned, as a large site would be (BENCHMARKS.md, "5,000 pages").
bench-scale: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python -m bench.run --python $(BENCH_VENV)/bin/python --sizes prose:5000x2000 --rounds 1 \
		--prune-nav --runs plain:cold,ours:cold,ours:warm,lint:cold,lint:warm --section bench-scale --write BENCHMARKS.md

## Recall and precision of the claim classifier on the labelled sentence sets.
eval: $(STAMP)
	$(BIN)/python scripts/evaluate_claims.py

clean:
	rm -rf site dist .pytest_cache .cache
