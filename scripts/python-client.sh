#!/usr/bin/env bash
# A Python with kafka-python and confluent-kafka (with its Avro serializer) from PyPI, for
# the tests that produce from clients nobody here wrote (tests/integration/any-client.test.ts,
# tests/integration/schema-registry.test.ts). Creates a venv under .reviewflow/ once and
# prints the path of its python. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.reviewflow/python-client
if ! "$venv/bin/python" -I -c 'from kafka import KafkaProducer; from confluent_kafka.schema_registry.avro import AvroSerializer' >/dev/null 2>&1; then
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --disable-pip-version-check kafka-python 'confluent-kafka[avro]' >&2
fi
echo "$PWD/$venv/bin/python"
