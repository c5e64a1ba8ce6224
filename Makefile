# The contract: `make run` serves the demo, `make test` runs the whole suite. Both set everything up.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_WORKERS ?= 2

.PHONY: install run test lint fmt check-deploy assets browser fonts clean bench-pdf backup restore backup-drill bench

install: $(VENV)/.installed static/build/.built

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/build/.built: node_modules/.installed frontend/build.mjs $(wildcard frontend/scss/*.scss frontend/js/*)
	npm run --silent build
	touch $@

assets: static/build/.built

run: install fonts
	DEBUG=true $(PY) manage.py migrate --no-input
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests drive Debian's Chromium; install it when missing (no browser is ever downloaded).
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing: run 'sudo apt-get install -y chromium'"; exit 1; fi; }

# PDFs are set in DejaVu Sans (Debian's fonts-dejavu-core), which has the Welsh letters ŵ and ŷ.
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else echo "DejaVu fonts are missing: run 'sudo apt-get install -y fonts-dejavu-core'"; exit 1; fi; }

test: install browser fonts
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Prints how long the published-report PDF takes for 40 recommendations and 300 recipients.
bench-pdf: install fonts
	DEBUG=true DJANGO_SETTINGS_MODULE=config.settings $(PY) scripts/bench_report_pdf.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m bandit -q -c pyproject.toml -r . --severity-level medium

fmt: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check-deploy: install
	DEBUG=false SECRET_KEY="$$(head -c 60 /dev/urandom | base64 | tr -d '\n')" ALLOWED_HOSTS=supercomplaints.example \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules static/build staticfiles

# Backup and restore of PostgreSQL and the media files (scripts/backup.sh, scripts/restore.sh).
#   make backup DATABASE_URL=postgres://...                 -> backups/<UTC time>/ (or BACKUP_DIR)
#   make restore BACKUP=backups/<time> DATABASE_URL=... [FORCE=1]
backup: $(VENV)/.installed
	scripts/backup.sh

restore: $(VENV)/.installed
	scripts/restore.sh "$(BACKUP)"

# Seeds a throwaway database, backs it up, restores it into another and compares every table and file.
backup-drill: install
	scripts/backup_drill.sh

# Performance, load and faults (not part of CI): fills sc_bench and sc_bench_small on the local
# PostgreSQL (scale 10: 80 published complaints, 2,400 recommendations, 50,000 responses), serves
# them with gunicorn and production settings, loads each page with wrk (20 signed-in users), then
# kills a worker and restarts PostgreSQL under load, and prints one table. Restarting PostgreSQL
# interrupts anything else using it. `make bench SCALE=1` is a quick run.
SCALE ?= 10
bench: install
	@command -v wrk >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is missing: run 'sudo apt-get install -y wrk'"; exit 1; fi; }
	$(PY) scripts/bench/run.py --scale $(SCALE) $(BENCH_ARGS)
