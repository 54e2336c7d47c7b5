# dondoc: two commands on a fresh Debian machine with Python 3.11, as root.
#   make run   installs everything, then ingests the sample corpus/ into outputs/
#   make test  installs everything, then runs the test suite
# Both are idempotent: a second call only re-checks and skips what is installed.

PYTHON ?= python3
VENV := .venv
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie poppler-utils libreoffice-writer-nogui \
                fonts-dejavu-core fonts-liberation chromium sqlite3
STAMP := $(VENV)/.installed

.PHONY: run test install system-packages python-packages lint-imports corpus-forms clean-outputs bench-deps

run: install
	$(VENV)/bin/dondoc run corpus/ --out outputs/

test: install
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest

install: system-packages python-packages

# apt only when a package is missing: dpkg-query is instant, apt-get update is not.
system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The venv is rebuilt only when pyproject.toml changed since the last install.
python-packages: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

# Regenerate the PDF and DOCX forms of the sample letters (committed; needs LibreOffice).
corpus-forms: install
	$(VENV)/bin/python tools/make_corpus_forms.py corpus/

lint-imports: install
	$(VENV)/bin/lint-imports

# OCRmyPDF for benchmarks/ocr.py's comparison (not needed to run or test dondoc):
# unpaper for its --clean; since v17 it rasterizes with pypdfium2 and makes a plain
# PDF (--output-type pdf) without Ghostscript.
BENCH_APT_PACKAGES := unpaper
bench-deps: install
	@missing=$$(for p in $(BENCH_APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@$(VENV)/bin/python -c "import ocrmypdf" 2>/dev/null || $(VENV)/bin/pip install -q -e '.[dev,bench]'
