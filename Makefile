# The two commands of the README: `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-fast lint messages clean

$(PY):
	@python=$$(sh scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV) || { echo "The venv module is missing: apt-get install python3-venv (or use pyenv's Python)"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip

# A stamp per lock file: reinstall only when the lock changes.
$(VENV)/.run-installed: requirements/run.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/run.lock
	@rm -f $(VENV)/.test-installed; touch $@

$(VENV)/.test-installed: requirements/test.lock | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/test.lock
	@touch $@ $(VENV)/.run-installed

# SITE_URL: the printed links and those in e-mails point at the port the server listens on.
run: $(VENV)/.run-installed
	@sh scripts/ensure-fonts 0
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py load_demo
	DEBUG=true SITE_URL=http://$(HOST):$(PORT) $(PY) manage.py runserver $(HOST):$(PORT)

# One test worker per core (pytest-xdist); tests that share a resource name an xdist_group.
test: $(VENV)/.test-installed
	@sh scripts/ensure-chromium
	@sh scripts/ensure-fonts
	@sh scripts/ensure-nginx
	$(PY) -m pytest -n auto --dist loadgroup $(PYTEST_ARGS)

# The fast tier while developing: no browser, no servers, no subprocesses, no generated examples,
# no sweeps over every route (tests/conftest.py and the tests mark those `slow`). CI runs
# `make test`. PYTEST_ARGS=--reuse-db spares creating the test databases, but a run broken off
# can leave rows in them (then --create-db).
test-fast: $(VENV)/.test-installed
	$(PY) -m pytest -n auto --dist loadgroup -m "not slow" $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Re-extract and compile the translations (needs GNU gettext); the compiled .mo files are
# committed so that `make run` does not need gettext.
messages: $(VENV)/.run-installed
	$(PY) manage.py makemessages -l de -l en --ignore '$(VENV)/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '$(VENV)/*'

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
