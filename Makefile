# The two commands a new machine needs: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: run test install lock system-libs lint typecheck pytest messages translations static migrate demo clean bench

# Exactly the locked versions, each checked against its hash; then the project itself, which
# brings nothing new (--no-deps) and is built with the locked setuptools (--no-build-isolation).
$(BIN)/.installed: requirements-dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Rewrites both lock files from pyproject.toml at the versions pinned in constraints.txt (run it
# after changing either): requirements.lock holds the runtime dependencies (production),
# requirements-dev.lock those and the dev extra (`make install`). Hashes are those of the
# public index: the machine's pip configuration (mirrors, local wheels) is left out, so every
# machine writes the same file. Extras stay on the pins (fonttools[woff]==…): pip's
# hash-checking mode refuses a dependency's extra that no pin names. LOCK_ARGS passes more
# options, e.g. LOCK_ARGS=--upgrade.
LOCK_ENV := env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock"
LOCK_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras \
	--no-emit-index-url --no-emit-find-links --constraint constraints.txt $(LOCK_ARGS)
lock: $(BIN)/.installed
	$(LOCK_ENV) $(LOCK_COMPILE) --extra dev --output-file requirements-dev.lock pyproject.toml
	$(LOCK_ENV) $(LOCK_COMPILE) --output-file requirements.lock pyproject.toml
	rm -f $(BIN)/.installed
	$(MAKE) install

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# WeasyPrint (PDFs) needs Pango and a font from the system; Debian's packages, when missing.
system-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 && fc-list | grep -qi dejavu || \
		{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		    libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; } || \
		echo "Note: install Pango (libpangoft2-1.0-0) and a font for PDF downloads."

install: $(BIN)/.installed node_modules/.installed system-libs

# Compiles locale/*/LC_MESSAGES/django.po with Babel, so no system gettext is needed to run.
translations: install
	$(BIN)/pybabel compile --domain=django --directory=locale --statistics 2>&1 | tail -n 3; \
		exit $${PIPESTATUS[0]}

# Re-extracts the strings from code and templates (needs GNU gettext, for translators only).
messages: install
	DJANGO_SETTINGS_MODULE=config.test_settings $(BIN)/python manage.py makemessages \
		--locale=nb --locale=nn --locale=en --ignore='.venv/*' --ignore='node_modules/*' \
		--ignore='var/*' --ignore='staticfiles/*' --no-obsolete
	$(BIN)/python tools/sync_english_catalogue.py

# --- the local profile: SQLite and an embedded broker under var/, mail to var/mail/ ----------
RUN_ENV := HTTPS=false SITE_URL=http://127.0.0.1:$(PORT) LOG_FORMAT=$${LOG_FORMAT:-text} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost}
ifndef SECRET_KEY
RUN_ENV += SECRET_KEY_FILE=var/secret_key
endif

var/secret_key:
	mkdir -p var
	umask 077 && $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

static: install var/secret_key
	env $(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

migrate: install var/secret_key
	env $(RUN_ENV) $(BIN)/python manage.py migrate --noinput

# First run only: a random password for all demo accounts, printed and kept in var/.
demo: migrate
	@if [ ! -f var/demo-password ]; then \
		umask 077; $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(9))" > var/demo-password.tmp; \
		env $(RUN_ENV) $(BIN)/python manage.py seed_demo --password "$$(cat var/demo-password.tmp)" && \
		mv var/demo-password.tmp var/demo-password; \
	fi
	@echo ""
	@echo "  Tiltakshjulet: http://127.0.0.1:$(PORT)/"
	@echo "  Demo accounts (admin@, koordinator@, teamleder@, medlem@, politiker@demo-kommune.no,"
	@echo "  koordinator@demo-herad.no, koordinator@demo-fylke.no) all use the password:"
	@echo "      $$(cat var/demo-password)"
	@echo ""

run: install translations static demo
	env $(RUN_ENV) $(BIN)/python manage.py plan_reminders
	env $(RUN_ENV) $(BIN)/honcho --procfile Procfile start --port $(PORT)

# --- benchmark (docs/performance.md): production settings on loopback, its own database ----------
# BENCH_ARGS passes options on, e.g. BENCH_ARGS="--national" or "--scale 0.1 --duration 5".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tiltak_bench
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false HTTPS=false BENCH_FLOOR_PAGE=true \
	ALLOWED_HOSTS=127.0.0.1,localhost LOG_FORMAT=text LOG_LEVEL=WARNING
ifndef SECRET_KEY
BENCH_ENV += SECRET_KEY_FILE=var/secret_key
endif

bench: install translations var/secret_key
	env $(BENCH_ENV) $(BIN)/python manage.py bench $(BENCH_ARGS)

# --- checks --------------------------------------------------------------------------------
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install translations
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

clean:
	rm -rf $(VENV) node_modules staticfiles var
