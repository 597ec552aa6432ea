#!/usr/bin/env bash
# Installs the trainer bench's anchors (bench/trainer.ts) when they are absent: fastText
# (Debian's `fasttext`) and Vowpal Wabbit (PyPI `vowpalwabbit`). Idempotent: npm runs it
# before every `npm run bench` ("prebench"), and a tool already present is left alone.
# Prints one line per tool: found or installed, and its version.
set -euo pipefail

# Installing needs root: use sudo when we are not root and it is there.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "bench-setup: '$*' needs root and sudo is not available" >&2
    return 1
  fi
}

fasttext_version() {
  dpkg-query -W -f='${Version}' fasttext 2>/dev/null || echo "unknown version"
}

vowpalwabbit_version() {
  python3 -c 'import vowpalwabbit; print(getattr(vowpalwabbit, "__version__", "unknown version"))'
}

if command -v fasttext >/dev/null 2>&1; then
  echo "fasttext: found $(fasttext_version) ($(command -v fasttext))"
else
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "bench-setup: fasttext is not on PATH and apt-get is not available; install fastText 0.9.x (e.g. brew install fasttext), or run node dist/bench/run.js to bench without the anchors" >&2
    exit 1
  fi
  # The package lists are fetched only when apt has no candidate for the package.
  if ! apt-cache policy fasttext 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    as_root apt-get update -qq
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fasttext >/dev/null
  echo "fasttext: installed $(fasttext_version) ($(command -v fasttext))"
fi

if ! command -v python3 >/dev/null 2>&1; then
  echo "bench-setup: python3 is not on PATH; the Vowpal Wabbit anchor (bench/trainer/vw_anchor.py) needs Python 3 with pip" >&2
  exit 1
fi
if python3 -c 'import vowpalwabbit' >/dev/null 2>&1; then
  echo "vowpalwabbit: found $(vowpalwabbit_version) (python3 $(python3 -c 'import sys; print(sys.version.split()[0])'))"
else
  # A distribution's Python may refuse pip outside a venv (PEP 668): only then override it.
  python3 -m pip install -q vowpalwabbit || python3 -m pip install -q --break-system-packages vowpalwabbit
  echo "vowpalwabbit: installed $(vowpalwabbit_version) (python3 $(python3 -c 'import sys; print(sys.version.split()[0])'))"
fi
