# Sourced: `ensure_base_image` makes reviewflow/debian:trixie (Debian 13, minbase) from
# Debian's packages with debootstrap, for machines where Docker Hub is unreachable.

BASE_IMAGE=reviewflow/debian:trixie
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "base image: $BASE_IMAGE (present)"
    return
  fi
  if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  local root
  root=$(mktemp -d -t reviewflow-rootfs.XXXXXX)
  echo "base image: debootstrap trixie from $DEBIAN_MIRROR"
  debootstrap --variant=minbase trixie "$root" "$DEBIAN_MIRROR" >/dev/null
  tar -C "$root" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$root"
  echo "base image: $BASE_IMAGE (built)"
}
