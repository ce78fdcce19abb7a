# hoso — two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Debian packages the test suite uses (real tools, no mocks): xmlsec1 checks our signatures
# independently, softhsm2 is a real PKCS#11 token, zint is a second PDF417 encoder, gettext compiles
# translations. Installed when missing and we are root; otherwise the tests that need them skip.
TEST_DEBIAN_PACKAGES := xmlsec1 softhsm2 zint gettext chromium poppler-utils  # poppler-utils: the e2e run renders the receipt PDF (pdftoppm)
# The cluster test (tests/cluster/) runs what an office installs: nginx in front, PgBouncer before
# PostgreSQL, and a real S3-compatible object store (OpenStack Swift with its s3api middleware).
CLUSTER_DEBIAN_PACKAGES := nginx-light pgbouncer swift-proxy swift-object swift-container swift-account

.PHONY: demo test lint format venv clean messages system-deps

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## make demo: environment, database with reference and demo data, gateway on http://127.0.0.1:8000
demo: $(STAMP)
	$(BIN)/hoso demo

## make test: environment and the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set)
test: $(STAMP) system-deps
	$(BIN)/pytest

system-deps:
	@missing=""; for p in $(TEST_DEBIAN_PACKAGES) $(CLUSTER_DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "Missing Debian packages:$$missing — the tests that need them will be skipped."; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench fuzz
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## make messages: compile the translation catalogues (.po -> .mo)
messages: $(STAMP)
	$(BIN)/python -m hoso.i18n_compile

clean:
	rm -rf $(VENV) var .pytest_cache
