# The two commands of the README: `make run` (the product with demo data) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run test lint messages clean

$(VENV)/.run-deps: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

# Serves as production does (gunicorn, whitenoise's hashed static files, the worker beside it),
# on a demo instance: the banner says so. Ctrl-C stops the server and the worker.
run: export DOSSIERFLOW_DEMO = 1
run: export DJANGO_STATIC_HASHED = 1
run: $(VENV)/.run-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0 --ignore viewflow
	@echo ""
	@echo "dossierflow: open http://$(ADDR)/ and log in with one of the users above."
	@echo ""
	$(PY) manage.py serve --addr $(ADDR)

test: $(VENV)/.dev-deps
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(PY) -m ruff check .

# Re-extract and compile the Vietnamese and English catalogues after changing UI text.
messages: $(VENV)/.dev-deps
	for app in config workflow documents search; do \
	  (cd $$app && ../$(PY) ../manage.py makemessages -l vi -l en --ignore 'migrations/*'); done
	$(PY) manage.py compilemessages --ignore '.venv'

clean:
	rm -rf $(VENV) data
