# Set-up is automatic: each target creates .venv and installs the kit into it when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers: one per core; each module with expensive shared fixtures stays on one worker.
JOBS ?= auto
PARALLEL := -n $(JOBS) --dist loadgroup

.PHONY: demo test quick lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/calcgrade demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PARALLEL)

# The edit-test loop: everything but the wheel installs (slow) and the nbgrader and kill-and-resume runs (e2e).
quick: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PARALLEL) -m "not slow and not e2e"

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build *.egg-info
