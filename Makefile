# Every command the README and CI use. A fresh machine needs Python 3.11+, Rust, Java and Maven;
# everything else (the virtualenv, the extension build, test and benchmark tools) is set up here.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR

RUST_SOURCES := Cargo.toml $(wildcard Cargo.lock) $(shell find crates -name '*.rs' -o -name Cargo.toml)

.PHONY: all demo test test-rust test-python test-wheel docs fuzz bench lint build build-release wheel \
	clean-venv

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		extra = p["optional-dependencies"]; \
		print("\n".join(["maturin>=1.7,<2", *p["dependencies"], *(r for e in ("fastapi", "otel", "test", "docs", "bench") for r in extra[e])]))' \
		> $(VENV)/requirements.txt
	$(BIN)/pip install --quiet -r $(VENV)/requirements.txt
	touch $@

# Development build (dev profile): what tests and the demo use.
build: $(STAMP) $(VENV)/.built-dev
$(VENV)/.built-dev: $(STAMP) $(RUST_SOURCES)
	$(BIN)/maturin develop --quiet
	rm -f $(VENV)/.built-release
	touch $@

# Release build: what benchmarks measure.
build-release: $(STAMP) $(VENV)/.built-release
$(VENV)/.built-release: $(STAMP) $(RUST_SOURCES)
	$(BIN)/maturin develop --quiet --release
	rm -f $(VENV)/.built-dev
	touch $@

# The quickstart on the embedded engine (memory://): no Java, no download. With
# AWS_ENDPOINT_URL_DYNAMODB set, against that endpoint instead (DynamoDB Local, AWS).
demo: build
	AWS_ENDPOINT_URL_DYNAMODB="$${AWS_ENDPOINT_URL_DYNAMODB:-memory://}" $(BIN)/python examples/quickstart.py

test: test-rust test-python

test-rust:
	cargo test --workspace --exclude dynomodel-python

test-python: build
	$(BIN)/python -m pytest

# The release wheels (symbols stripped), one per supported Python, and the sdist, into dist/
# (ignored). One wheel per Python rather than one abi3 wheel: abi3 encoded 14-32% fewer items/s
# (docs/performance.md, "Wheels").
wheel: $(STAMP)
	rm -rf dist
	$(BIN)/maturin build --quiet --release --out dist \
		$(foreach python,$(shell $(BIN)/python scripts/test_wheel.py --interpreters),-i $(python))
	$(BIN)/maturin sdist --out dist

# The wheel installed where there is no Rust, on Python 3.11, 3.12 and 3.13, quickstart and a
# smoke subset of the tests against the install; then the sdist built into a working install.
test-wheel: wheel
	$(BIN)/python scripts/test_wheel.py

# The documentation site, built strictly (a broken reference or docstring fails it) into site/.
# `make test` builds it too, into a temporary folder (tests/test_docs.py), and runs every page.
docs: build
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

# The differential test of the two engines, with a larger budget than `make test` gives it.
fuzz: build
	DYNOMODEL_FUZZ_EXAMPLES=$${DYNOMODEL_FUZZ_EXAMPLES:-5000} $(BIN)/python -m pytest \
		tests/test_differential.py --hypothesis-show-statistics

# Every benchmark, or the ones named: make bench BENCH="engines query".
bench: build-release
	DYNOMODEL_CACHE=$(CURDIR)/.cache $(BIN)/python -m benchmarks $(BENCH)

lint: build
	$(BIN)/ruff check python tests benchmarks examples scripts
	$(BIN)/ruff format --check python tests benchmarks examples scripts
	$(BIN)/mypy
	$(BIN)/pyright
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

clean-venv:
	rm -rf $(VENV)
