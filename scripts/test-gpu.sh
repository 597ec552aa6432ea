#!/usr/bin/env bash
# npm run test:gpu: the trainer on tfjs's WebGPU backend (Dawn from the npm package
# `webgpu`). This machine kind has no GPU, so the tests run in a Debian 13 container whose
# Mesa provides lavapipe, a software Vulkan device: correct, and slow. The run fails if
# WebGPU did not actually run (tests/gpu force the webgpu backend). No Kafka is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/docker/engine.sh
source scripts/docker/base-image.sh

if [ ! -d node_modules/webgpu ] || [ ! -d node_modules/@tensorflow/tfjs-backend-webgpu ]; then
  echo "node_modules lacks webgpu or @tensorflow/tfjs-backend-webgpu (optional dependencies): run npm ci first" >&2
  exit 1
fi
ensure_docker_engine
ensure_base_image
docker build --network host -q -t reviewflow/gpu-test scripts/gpu >/dev/null
echo "image: reviewflow/gpu-test (Node $(docker run --rm reviewflow/gpu-test node --version), Mesa lavapipe)"
# the checkout (and its node_modules) is mounted: the container only brings Node and Vulkan
docker run --rm -v "$PWD:/repo" -w /repo reviewflow/gpu-test \
  node node_modules/vitest/vitest.mjs run --config vitest.gpu.config.ts 2>&1 \
  | grep -v 'artificially reduced from'
