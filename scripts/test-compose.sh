#!/usr/bin/env bash
# npm run test:compose: docker-compose.yml for real (tests/compose). Starts a Docker engine
# if none answers (stopped after), installs Compose if neither `docker compose` (v2) nor
# `docker-compose` (1.29) is there, builds the images from Debian's packages (no Docker Hub:
# scripts/docker/images.sh), then runs the test against the stack it brings up and takes
# down. Skips, saying why, only where no engine answers and none can be started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/docker/images.sh

if ! docker_answers && [ "$(id -u)" != 0 ]; then
  echo "test:compose SKIPPED: no Docker engine answers, and only root can start one here (start dockerd, then run npm run test:compose again)"
  exit 0
fi
prepare_image_builds
ensure_compose
build_images
echo "compose: $REVIEWFLOW_COMPOSE ($($REVIEWFLOW_COMPOSE version --short 2>/dev/null || $REVIEWFLOW_COMPOSE version | head -1))"
REVIEWFLOW_KAFKA_IMAGE=$LOCAL_KAFKA_IMAGE COMPOSE_PROJECT_NAME=reviewflow-compose-test \
  node node_modules/vitest/vitest.mjs run --config vitest.compose.config.ts
