# Two commands a newcomer needs: `make demo` runs the product, `make test` runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv system demo app test lint typecheck bench dist clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

system:
	bash scripts/install-system-deps.sh
	bash scripts/install-axe.sh

demo: system venv
	$(VENV)/bin/workdiary demo

test: system venv
	bash scripts/test.sh

lint: venv
	$(VENV)/bin/ruff check workdiary tests benchmarks
	$(VENV)/bin/mypy workdiary/core workdiary/capture workdiary/tracker workdiary/store workdiary/sync workdiary/desktop workdiary/demo workdiary/testing

# Every benchmark, then docs/benchmarks.md regenerated from the run (BENCH_ARGS=--quick: short settings).
bench: system venv
	bash scripts/bench.sh

# The desktop installers of this system into dist/: Linux the one-folder app and a .deb,
# Windows the Inno Setup installer (needs iscc), macOS the .app and a .dmg (packaging/dist.py).
dist: venv
	$(PY) packaging/dist.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
