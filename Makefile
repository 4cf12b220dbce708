# The two commands: `make run` and `make test`. Both install what is missing first (Debian bookworm, as root or
# with sudo), so they work on a fresh machine that has only the Swift toolchain.

SWIFT       ?= swift
PYTHON      ?= python3
HOST        ?= 127.0.0.1
PORT        ?= 8080
DATA        ?= data
APT_PACKAGES := libmicrohttpd-dev pkg-config zlib1g-dev libsqlite3-dev bubblewrap python3 python3-seccomp \
                libjs-codemirror libjs-highlight.js libjs-markdown-it
# The cluster tests: PostgreSQL (its server and pg_dump), nginx as the balancer and TLS terminator, openssl for a
# self-signed certificate. `make run` needs none of them: SQLite is embedded.
CLUSTER_APT  := postgresql nginx openssl
TEST_APT     := chromium chromium-driver $(CLUSTER_APT)
PIP_PACKAGES := pytest selenium openapi-spec-validator schemathesis==4.32.5 hypothesis fsrs==6.3.2 \
                axe-selenium-python==2.1.6
AXE_CORE_WHEEL := axe-playwright-python==0.1.8
BENCH_APT    := wrk $(CLUSTER_APT)
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps pydeps grader-bundle build build-debug run lint test test-python bench fuzz grader-load validate clean

all: build

## Install the Debian packages that are missing (apt-get update only when something is).
deps:
	@missing=""; for p in $(APT_PACKAGES) $(EXTRA_APT); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

## Python packages the tests use, installed with pip when missing.
pydeps:
	@$(PYTHON) -c "import pytest, selenium, openapi_spec_validator, schemathesis, hypothesis, fsrs, axe_selenium_python" 2>/dev/null \
	  || $(PYTHON) -m pip install -q $(PIP_PACKAGES)
	@# only for its current axe-core (axe-selenium-python bundles axe-core 3.1): without Playwright, its dependency
	@$(PYTHON) -c "import importlib.util as u; assert u.find_spec('axe_playwright_python')" 2>/dev/null \
	  || $(PYTHON) -m pip install -q --no-deps $(AXE_CORE_WHEEL)

## The grader's compiled bundle (grader/launch would make it on first use; made here once, before any test).
grader-bundle:
	/usr/bin/python3 -I -S grader/build_bundle.py

build: deps grader-bundle
	$(SWIFT) build -c release

build-debug: deps
	$(SWIFT) build

run: build
	mkdir -p $(DATA)
	.build/release/QuizServer serve --host $(HOST) --port $(PORT) --data-dir $(DATA)

validate: build
	.build/release/QuizServer validate questions.json

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

test: EXTRA_APT = $(TEST_APT)
test: deps pydeps grader-bundle lint
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) --no-print-directory test-python

# One pytest run per folder: each folder has its own conftest.py, and their helpers must not meet.
test-python:
	@set -e; for dir in $(wildcard Tests/questions Tests/grader Tests/api Tests/cluster Tests/browser); do \
	  echo "== pytest $$dir"; $(PYTHON) -m pytest -q -p no:cacheprovider $$dir; \
	done

## The long run of the protocol fuzzer (Tests/grader/test_fuzz.py): thousands of scripted children, random each run.
fuzz: deps pydeps grader-bundle
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3000} FUZZ_RANDOM=1 $(PYTHON) -m pytest -q -p no:cacheprovider \
	  Tests/grader/test_fuzz.py

## Right verdicts under load (issue #11): every model solution 20 times and every wrong one 3 times at 2, 4 and 8
## spinning processes, then a starved run; writes its table into BENCHMARKS.md. A few minutes of both cores.
## Verdicts under load (issue 11): the checks under synthetic starvation (Tests/grader/load_checks.py, about a minute:
## statistical, so not in `make test`), then the measurement written into BENCHMARKS.md (about 3 minutes).
grader-load: deps grader-bundle
	$(PYTHON) -m pytest -q -p no:cacheprovider Tests/grader/load_checks.py
	$(PYTHON) Tests/grader/load_measure.py --levels 2,4,8 --reps 20 --wrong-reps 3 --starve-reps 10 \
	  --benchmarks BENCHMARKS.md

bench: EXTRA_APT = $(BENCH_APT)
bench: deps build
	$(PYTHON) Benchmarks/run.py

clean:
	rm -rf .build
