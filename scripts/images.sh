#!/usr/bin/env bash
# npm run images: the images docker-compose.yml runs, built from Debian's packages where
# Docker Hub is unreachable (scripts/docker/images.sh). Then:
#   REVIEWFLOW_KAFKA_IMAGE=reviewflow/kafka:<version> docker-compose up -d
# Starts a Docker engine for the build if none answers, and stops it after.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/docker/images.sh

prepare_image_builds
build_images
