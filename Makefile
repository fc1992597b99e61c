# Ferry — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
export LANG := C.UTF-8
export LC_ALL := C.UTF-8

APT_PACKAGES := xvfb xauth x11-utils libegl1 libgl1 libdbus-1-3 libfontconfig1 libglib2.0-0 \
	libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 \
	libxcb-render-util0 libxcb-render0 libxcb-shape0 libxcb-util1 libxcb-xkb1 libpulse0 \
	gcc libc6-dev linux-libc-dev fonts-nanum xdotool postgresql chromium chromium-driver

.PHONY: test demo deps system-deps venv translations lint clean

deps: system-deps venv translations

system-deps:
	@bash tools/ensure_system_deps.sh $(APT_PACKAGES)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Ferry needs $(PYTHON) on PATH (Debian: apt-get install python3.11)"; exit 1; }
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || bash tools/ensure_system_deps.sh python3.11-venv
	@$(PYTHON) -c 'import os, sysconfig; os.stat(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' \
		2>/dev/null || bash tools/ensure_system_deps.sh python3.11-dev  # pynput builds evdev from source
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel setuptools
	$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

translations: venv
	@$(PY) -m resources.translations.build

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/pytest

demo: deps
	$(PY) -m tools.demo

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache

# The one-time host executable (PyInstaller one-file) in dist/ferry-host; skipped when its sources did not
# change (installers/build_host.py --force rebuilds). Serve it with FERRY_HOST_EXE=dist/ferry-host or copy
# it to <data-dir>/host/ferry-host.
.PHONY: host-exe
host-exe: deps
	$(PY) installers/build_host.py
