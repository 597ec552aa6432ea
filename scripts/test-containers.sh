#!/usr/bin/env bash
# npm run test:containers: the integration tests against a Kafka that testcontainers
# starts from the locally built image (REVIEWFLOW_KAFKA_IMAGE, see tests/setup/global-setup.ts)
# instead of the embedded broker. Starts a Docker engine if none answers (stopped after)
# and builds the image from Debian's packages (scripts/docker/images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/docker/images.sh

prepare_image_builds
build_kafka_image
REVIEWFLOW_KAFKA_IMAGE=$LOCAL_KAFKA_IMAGE node node_modules/vitest/vitest.mjs run tests/integration "$@"
