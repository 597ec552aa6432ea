# syntax=docker/dockerfile:1
#
# One image for every reviewflow command: docker-compose.yml runs `topics create` and
# each stage (`run --stages <id>`) from it. Build: `docker compose build` or
# `docker build -t reviewflow:local .`
#
# No HEALTHCHECK on purpose: a stage worker serves no port to probe, and "the process
# is up" says nothing about whether it consumes. A crash exits non-zero and compose's
# restart policy brings it back; whether a stage keeps up is consumer lag, which
# `reviewflow status` reports per stage.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: TypeScript → dist/ -----------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the root `prepare` script would run tsc before the sources are
# copied, and compiling needs no native TensorFlow (its types ship in the JS package).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bench ./bench
RUN npm run build

# ---- runtime: production dependencies, compiled code, schemas, topologies ------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies with every install script skipped (the root `prepare` needs
# tsc, a dev dependency), then only @tensorflow/tfjs-node's install script: it downloads
# libtensorflow, which works in a build with internet access, so the trainer gets the
# native CPU backend. Where that download is unavailable (no internet, or a platform
# such as linux/arm64 with no prebuilt libtensorflow) the build goes on and the trainer
# falls back to pure-JS @tensorflow/tfjs at run time, logging why.
# @tensorflow/tfjs-node-gpu stays without its native part: this base image has no CUDA,
# so at run time the trainer skips it and logs why.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && (npm rebuild @tensorflow/tfjs-node \
      || echo "reviewflow: @tensorflow/tfjs-node has no native build here; training uses pure-JS @tensorflow/tfjs") \
  && npm cache clean --force
COPY --from=build /app/dist ./dist
# Found at run time next to package.json (src/util/paths.ts, src/records/registry.ts).
COPY schemas ./schemas
COPY topologies ./topologies

# The official Node image's unprivileged user; nothing under /app is written at run
# time (stage state lives in Kafka changelog topics).
USER node

# `reviewflow run` drains in-flight batches and commits on SIGTERM, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
