# The two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CORES ?= 2
# Test processes (pytest-xdist): `auto` is one per CPU; `make test TEST_WORKERS=0` runs in one.
TEST_WORKERS ?= auto

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $@

# `python -m`, not pip's launchers (.venv/bin/snakemake), which fail in a folder whose path holds
# a `$`, `"` or backtick.
demo: $(STAMP)
	$(BIN)/python -m snakemake --cores $(CORES) --configfile config/config.yaml demo/config.yaml \
		--quiet rules progress
	@$(BIN)/python -m livingreview where --configfile config/config.yaml demo/config.yaml

test: $(TEST_STAMP)
	$(BIN)/python -m ruff check workflow tests bench
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP) $(TEST_STAMP) $@

bench: $(BENCH_STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/dedup.py
	$(BIN)/python bench/dedup_robustness.py
	$(BIN)/python bench/dedup_reformat.py
	nice $(BIN)/python bench/screening.py
	nice $(BIN)/python bench/scale.py
	nice $(BIN)/python bench/living.py

clean:
	rm -rf outputs .snakemake
