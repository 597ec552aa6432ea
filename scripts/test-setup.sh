#!/usr/bin/env bash
# npm's "pretest": what `npm test` needs beyond node_modules, so the README's two commands
# are the whole set-up. Builds dist/ (the CLI the tests spawn), and installs Debian's
# Chromium for the report render check when it is missing and we are root; where we cannot
# install, one line says the exact command and the run stops. The broker needs no step
# here: the tests' global setup provisions the embedded one from Maven Central. The local
# schema registry (Apicurio Registry, registry/pom.xml) is built here, once and cached in
# .reviewflow/registry, so its Maven build (about a minute) does not compete with running
# tests; tests/integration/schema-registry.test.ts would build it itself otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build --silent

node --input-type=module -e "
const { provisionRegistry } = await import('./dist/src/local-registry/index.js');
const started = Date.now();
const { cached } = await provisionRegistry((line) => console.log('test setup: ' + line));
console.log('test setup: local schema registry ' + (cached ? 'already built' : 'built in ' + Math.round((Date.now() - started) / 1000) + ' s'));
"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test setup: installing Debian's chromium (headless, for tests/integration/report-render.test.ts)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test setup: Chromium is missing; run: sudo apt-get update && sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi
echo "test setup: $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
