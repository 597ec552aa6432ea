# Sourced by scripts that need a Docker engine. Where none answers, installs Debian's
# docker.io (as root) and starts dockerd as this script's own process; `stop_docker_engine`
# (registered on EXIT) stops only an engine this script started.
# Containers reach only networks the run creates and loopback: no iptables rules.

started_dockerd_pid=""

docker_answers() {
  docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

ensure_docker_engine() {
  if docker_answers; then
    echo "docker engine: $(docker info --format '{{.ServerVersion}}') (already running)"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    echo "docker engine: installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
  fi
  local log
  log=$(mktemp -t reviewflow-dockerd.XXXXXX.log)
  # talk to the engine started here, whatever DOCKER_HOST pointed at
  export DOCKER_HOST=unix:///var/run/docker.sock
  dockerd --iptables=false --ip-masq=false >"$log" 2>&1 &
  started_dockerd_pid=$!
  trap stop_docker_engine EXIT
  for _ in $(seq 1 180); do
    if docker_answers; then
      echo "docker engine: $(docker info --format '{{.ServerVersion}}') (started, pid $started_dockerd_pid)"
      return
    fi
    sleep 1
  done
  echo "docker engine did not answer within 180 s; its log:" >&2
  tail -20 "$log" >&2
  exit 1
}

stop_docker_engine() {
  if [ -n "$started_dockerd_pid" ]; then
    kill "$started_dockerd_pid" 2>/dev/null || true
    wait "$started_dockerd_pid" 2>/dev/null || true
    started_dockerd_pid=""
  fi
}

# Exports REVIEWFLOW_COMPOSE: `docker compose` (v2) where the plugin is there, else
# `docker-compose` (1.29), installed from Debian's packages when neither is.
ensure_compose() {
  if docker compose version >/dev/null 2>&1; then
    REVIEWFLOW_COMPOSE="docker compose"
  else
    if ! command -v docker-compose >/dev/null 2>&1; then
      echo "compose: installing Debian's docker-compose"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null
    fi
    REVIEWFLOW_COMPOSE=docker-compose
  fi
  export REVIEWFLOW_COMPOSE
}
