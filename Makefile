# The two commands in the README: `make demo` and `make test`. Both set up .venv from nothing.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test bench lock clean completions

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ticketops demo

# The house rules first (lint, format, layers, types: seconds), then the suite.
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy src
	$(BIN)/python -m pytest -n 2 --dist loadfile -q

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

# Re-pin constraints.txt from the current .venv (run after changing dependencies).
lock: $(STAMP)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^ticketops' > constraints.txt

clean:
	rm -rf $(VENV) .pytest_cache build dist

# Regenerate the shell completion scripts shipped in src/ticketops/cli/completions/ (after changing an option).
completions: $(STAMP)
	$(BIN)/python -m ticketops.cli.completion_gen --write
