# `make test`, `make demo` and `make bench`. Each sets up its venv on its own.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo bench docs docs-serve lint typecheck unit package-check release-check serve-example venv clean kratos test-kratos

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
# from a folder outside the checkout; tests/packaging/test_release.py runs release-check.
package-check: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider tests/packaging

# Builds dist/ (sdist and wheel), runs twine check --strict, checks what they hold, and
# installs the wheel with each extra in fresh venvs (the demo with [cli] alone). RELEASING.md.
release-check: $(STAMP)
	$(BIN)/python tools/release_check.py

test: lint typecheck unit package-check

# The demo needs the package with [cli] only: its own small venv, not the toolchain's.
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed

$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet -e '.[cli]'
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/python -m ory_async demo

# Serves examples/fastapi_app.py against the project named by ORY_SDK_URL.
serve-example: $(STAMP)
	$(BIN)/uvicorn examples.fastapi_app:app

# A real Ory Kratos, built from the Go module proxy through our own module in tools/kratos
# (Kratos as a tool, pinned by go.mod and go.sum; no Kratos source in this repository), into
# a cache outside the work tree; built once, then reused.
KRATOS_VERSION := v1.3.1
KRATOS_CACHE ?= $(HOME)/.cache/ory-async
KRATOS_BIN := $(KRATOS_CACHE)/kratos-$(KRATOS_VERSION)

kratos: $(KRATOS_BIN)

$(KRATOS_BIN): tools/kratos/go.mod tools/kratos/go.sum
	@command -v go >/dev/null 2>&1 || { echo "make kratos: Go is not installed; install Go >= 1.24 to build Kratos, or set ORY_KRATOS_URL and ORY_KRATOS_PUBLIC_URL to a running Kratos and run make test-kratos" >&2; exit 2; }
	mkdir -p $(KRATOS_CACHE)
	cd tools/kratos && CGO_ENABLED=1 go build -mod=readonly -tags sqlite -trimpath \
		-ldflags "-X github.com/ory/kratos/driver/config.Version=$(KRATOS_VERSION)" \
		-o $(KRATOS_BIN).partial github.com/ory/kratos
	mv $(KRATOS_BIN).partial $(KRATOS_BIN)

# The integration suite against FakeOry and a real Kratos side by side (--server=both), each
# scenario's answers compared (tests/kratos/DEVIATIONS.md). ORY_KRATOS_URL and
# ORY_KRATOS_PUBLIC_URL name a Kratos already running instead of building one.
test-kratos: $(STAMP)
	@if [ -z "$$ORY_KRATOS_URL" ]; then $(MAKE) --no-print-directory kratos; fi
	ORY_KRATOS_BIN=$(KRATOS_BIN) $(BIN)/pytest -q -p no:cacheprovider tests/integration tests/kratos --server=both

# The benchmarks get their own venv: the project plus the comparison SDKs, which are
# never dependencies of ory_async. `make bench` rewrites the table in benchmarks/README.md.
BENCH_VENV := benchmarks/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml benchmarks/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e '.[testing,jwt]' -r benchmarks/requirements.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BENCH_VENV)/bin/python -m benchmarks.run
	if command -v wrk >/dev/null; then $(BENCH_VENV)/bin/python -m benchmarks.webapp --rounds 2 --write-readme; else echo 'workload o skipped: no wrk (apt-get install wrk)'; fi

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
	rm -rf $(VENV) $(DEMO_VENV) $(BENCH_VENV) $(DOCS_VENV) site .mypy_cache .pytest_cache .ruff_cache
