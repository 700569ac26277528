#!/usr/bin/env bash
# Installs what Nautilus needs to build, test and run its demonstration on
# Debian 12, idempotently and without questions: Debian packages with apt,
# the chain and proof tooling with npm from the committed lock file.
# Nothing is downloaded at run time afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake pkg-config clang libclang-rt-14-dev
  libsodium-dev libsecp256k1-dev libzmq3-dev libcurl4-openssl-dev
  libcmocka-dev libcjson-dev libsqlite3-dev
  libldns-dev
  libssl-dev
  libinih-dev libexpat1-dev libsystemd-dev
  iproute2 procps psmisc dbus avahi-daemon avahi-utils tshark
  python3 python3-zeroconf python3-dnspython python3-zmq python3-cryptography python3-nacl
  docker-compose man-db groff-base systemd
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js and npm may come from elsewhere (this image has NodeSource's build,
# which bundles npm); take Debian's only when there is none.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm tooling, exactly as pinned in package-lock.json. Reinstalled only when
# the lock file changes.
stamp=node_modules/.nautilus-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "deps: npm ci (package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  echo "$want" > "$stamp"
fi
