# Two commands for a newcomer on a fresh Debian machine (as root):
#   make run   installs what is missing, migrates, loads the demo data, serves on :8000
#   make test  installs what is missing, then runs the whole suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian packages: venv, gettext (translations), CJK fonts and HarfBuzz subsetting (Chinese PDFs),
# Pango (weasyprint), poppler (PDF checks), Chromium (browser tests).
APT_PACKAGES := python3-venv gettext fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 \
	libpangoft2-1.0-0 poppler-utils chromium
# Node tools of the checks (axe-core, vnu-jar; exact versions in package-lock.json) and Java for
# vnu.jar: their Debian packages are added only when the command is missing (Node may come from
# elsewhere, with its own npm). npm ci runs no install scripts (vnu-jar's would fetch a JDK).
NODE_STAMP := node_modules/.installed
PROD_ENV := DJANGO_SECRET_KEY=ci-check-$$(date +%s)-a-long-random-looking-secret-value-1234567890 \
	DJANGO_ALLOWED_HOSTS=clinic.example.org DJANGO_HTTPS=1 DJANGO_DEBUG=0 \
	CLINIC_FIELD_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	CLINIC_LOOKUP_KEY=ci-lookup-key-$$(date +%s) CLINIC_AUDIT_KEY=ci-audit-key-$$(date +%s) \
	CLINIC_SITE_URL=https://clinic.example.org

.PHONY: run test lint bench soak deps system-deps

system-deps:
	@missing=""; \
	for pkg in $(APT_PACKAGES) $(EXTRA_APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$pkg"; \
	done; \
	command -v node >/dev/null || missing="$$missing nodejs"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q ".[dev]"
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $(NODE_STAMP)

deps: system-deps $(STAMP) $(NODE_STAMP)
	@$(PY) manage.py compilemessages --ignore=$(VENV) -v0

run: deps
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo
	@echo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C stops it)"
	DJANGO_SECURE_COOKIES=0 $(PY) manage.py runserver 127.0.0.1:8000

test: deps
	$(PY) -m pytest

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	.ci/check-translations
	$(PROD_ENV) $(PY) manage.py check --deploy --fail-level WARNING

# wrk loads the web benchmark's server from the other core.
bench: EXTRA_APT_PACKAGES := wrk
bench: deps
	DJANGO_SETTINGS_MODULE=clinic.settings $(PY) -m bench

# A few minutes of simulated people against gunicorn and the local PostgreSQL (own database).
soak: deps
	$(PY) -m bench.soak
