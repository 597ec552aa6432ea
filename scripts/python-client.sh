#!/usr/bin/env bash
# A Python with kafka-python from PyPI, for the test that produces from a client nobody
# here wrote (tests/integration/any-client.test.ts). Creates a venv under .reviewflow/
# once and prints the path of its python. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.reviewflow/python-client
if ! "$venv/bin/python" -I -c 'from kafka import KafkaProducer' >/dev/null 2>&1; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check kafka-python >&2
fi
echo "$PWD/$venv/bin/python"
