# Knotwork: `make demo` runs the clinic with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export KNOTWORK_HOME ?= $(CURDIR)/var

.PHONY: demo test lint typecheck pytest runtime-deps system-deps bench clean compiled

$(BIN)/python:
	@PY=$$(scripts/find-python) || exit 1; echo "Using $$PY"; "$$PY" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/uv pip install --python $(BIN)/python --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/uv pip install --python $(BIN)/python --quiet -e '.[test]'
	touch $@

# The assessment core compiled with mypyc (src/knotwork/compiled.py): about 40% more
# presentations a second. Built outside the source tree, under a digest of the sources, so that
# an edited source never runs from a stale build. Needs a C compiler; `make demo` goes on
# without one (the core then runs as plain Python), `make test` does not.
ASSESS_CORE := $(addprefix src/knotwork/assess/,presentation.py text.py rank.py safety.py assessment.py) src/knotwork/compiled.py
$(VENV)/.compiled: $(ASSESS_CORE) $(VENV)/.installed
	$(BIN)/uv pip install --python $(BIN)/python --quiet -e '.[compiled]'
	$(BIN)/python -m knotwork.compiled build
	touch $@

compiled: $(VENV)/.compiled

demo: $(VENV)/.installed runtime-deps
	@$(MAKE) --no-print-directory compiled || echo "The assessment core runs as plain Python (slower)."
	$(BIN)/knotwork demo --port $(PORT)

# Debian packages, installed with apt-get when missing and we are root (otherwise the command
# to run is printed): what the app needs at run time (Pango and a font for WeasyPrint, the PDF
# handout), and what the tests need besides (PostgreSQL for a throwaway cluster per test run,
# Chromium driven by Playwright).
define apt_install
	@missing="$(strip $(1))"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing $$missing with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Missing: $$missing. Install with: sudo apt-get install $$missing" >&2; $(2) \
	  fi; \
	fi
endef
HAVE_PANGO := $(shell { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q libpangoft2-1.0.so.0 && echo yes)
HAVE_FONT := $(shell [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && echo yes)
HAVE_PG := $(shell ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && echo yes)
HAVE_CHROMIUM := $(shell [ -x /usr/bin/chromium ] && echo yes)
RUNTIME_MISSING := $(if $(HAVE_PANGO),,libpango-1.0-0 libpangoft2-1.0-0) $(if $(HAVE_FONT),,fonts-dejavu-core)
TEST_MISSING := $(if $(HAVE_PG),,postgresql) $(if $(HAVE_CHROMIUM),,chromium)

runtime-deps:
	$(call apt_install,$(RUNTIME_MISSING),echo "(the PDF handout will not work until then)";)

system-deps:
	$(call apt_install,$(RUNTIME_MISSING) $(TEST_MISSING),exit 1;)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test $(VENV)/.compiled system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(VENV)/.installed $(VENV)/.compiled
	$(BIN)/python bench/accuracy.py
	$(BIN)/python bench/assess_speed.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
