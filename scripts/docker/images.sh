# Sourced (it sources engine.sh and base-image.sh): `build_images` builds, from Debian's packages
# on reviewflow/debian:trixie, the two images docker-compose.yml runs where Docker Hub is
# unreachable. Every registry step (npm, Maven) runs on the host and its result is copied
# into a build context under .reviewflow/images/; containers only install Debian packages.
#   reviewflow/kafka:<version>  Apache Kafka from kafka/pom.xml's jars (scripts/docker/kafka)
#   reviewflow:local            the CLI: dist/ and production dependencies (scripts/docker/reviewflow)
# `prepare_image_builds` first: a Docker engine (started here if none answers, stopped on
# exit) and the Debian base image.
source "$(dirname "${BASH_SOURCE[0]}")/engine.sh"
source "$(dirname "${BASH_SOURCE[0]}")/base-image.sh"

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' kafka/pom.xml)
LOCAL_KAFKA_IMAGE=reviewflow/kafka:$KAFKA_VERSION
LOCAL_REVIEWFLOW_IMAGE=reviewflow:local
IMAGES_CONTEXT=.reviewflow/images

# docker build, timed; -q keeps the log to one line per image (and the newer clients'
# notice that the legacy builder, the one Debian's Docker 20.10 has, is deprecated goes)
build_image() {
  local tag=$1 context=$2 started=$SECONDS
  docker build --network host -q -t "$tag" "$context" 2> >(grep -v -e DEPRECATED -e 'legacy builder' -e buildx -e '^$' >&2) >/dev/null
  echo "image: $tag ($((SECONDS - started)) s, $(docker image inspect -f '{{.Size}}' "$tag" | awk '{printf "%d MB", $1 / 1e6}'))"
}

build_kafka_image() {
  # the embedded broker's provisioning (kafka/pom.xml through Maven), cached in kafka/libs
  node --input-type=module -e "import { provisionKafka } from './dist/src/broker/provision.js'; await provisionKafka(console.log);"
  local context=$IMAGES_CONTEXT/kafka
  rm -rf "$context"
  mkdir -p "$context"
  cp -r scripts/docker/kafka/. "$context/"
  cp -r kafka/libs "$context/libs"
  build_image "$LOCAL_KAFKA_IMAGE" "$context"
}

build_reviewflow_image() {
  local context=$IMAGES_CONTEXT/reviewflow
  mkdir -p "$context/deps"
  # production dependencies, reinstalled only when the lock file changed; the optional
  # native TensorFlow, CUDA and WebGPU packages are left out (no prebuilt binaries can be
  # downloaded here; the trainer then uses pure-JS @tensorflow/tfjs and logs why)
  if ! cmp -s package-lock.json "$context/deps/package-lock.json" || [ ! -d "$context/deps/node_modules" ]; then
    cp package.json package-lock.json "$context/deps/"
    (cd "$context/deps" && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  npm run build --silent
  rm -rf "$context/app"
  mkdir -p "$context/app"
  cp -r dist schemas topologies "$context/app/"
  cp scripts/docker/reviewflow/Dockerfile "$context/"
  build_image "$LOCAL_REVIEWFLOW_IMAGE" "$context"
}

prepare_image_builds() {
  ensure_docker_engine
  ensure_base_image
}

build_images() {
  build_kafka_image
  build_reviewflow_image
}
