# `make test`, `make demo` and `make bench`. Each sets up its venv on its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo bench docs docs-serve lint typecheck unit package-check serve-example venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cli,testing,examples,compat]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict ory_async tests benchmarks tools

unit: $(STAMP)
	$(BIN)/pytest -q --ignore=tests/packaging

# Builds the sdist and wheel, checks the wheel's contents, installs it (and the checkout)
# into fresh virtual environments and runs the README's Install and Testing sections
# from a folder outside the checkout.
package-check: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/packaging

test: lint typecheck unit package-check

demo: $(STAMP)
	$(BIN)/python -m ory_async demo

# Serves examples/fastapi_app.py against the project named by ORY_SDK_URL.
serve-example: $(STAMP)
	$(BIN)/uvicorn examples.fastapi_app:app

# The benchmarks get their own venv: the project plus the comparison SDKs, which are
# never dependencies of ory_async. `make bench` rewrites the table in benchmarks/README.md.
BENCH_VENV := benchmarks/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml benchmarks/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[testing]' -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m benchmarks.run

# The documentation site: its own venv (mkdocs, mkdocs-material, mkdocstrings) plus the
# package, built in strict mode so a broken reference or a missing page fails the build.
DOCS_VENV := .venv-docs
DOCS_STAMP := $(DOCS_VENV)/.installed

$(DOCS_STAMP): pyproject.toml docs/requirements.txt
	$(PYTHON) -m venv $(DOCS_VENV)
	$(DOCS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DOCS_VENV)/bin/python -m pip install --quiet -e . -r docs/requirements.txt
	touch $(DOCS_STAMP)

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs build --strict --site-dir site

docs-serve: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(DOCS_VENV)/bin/mkdocs serve

clean:
	rm -rf $(VENV) $(BENCH_VENV) $(DOCS_VENV) site .mypy_cache .pytest_cache .ruff_cache
