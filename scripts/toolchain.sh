#!/usr/bin/env bash
# Installs what the build and the tests need, from the package registries only: Debian packages
# (JDK, Maven, Python venv) when missing, npm dependencies from the lock file, and a Python
# virtualenv for the tests of the Python bindings. Sourced by scripts/test-all.sh and scripts/demo.sh.
set -euo pipefail

need_debian_packages() {
  local missing=()
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  command -v python3 >/dev/null 2>&1 || missing+=(python3 python3-venv python3-pip)
  command -v git >/dev/null 2>&1 || missing+=(git)
  command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "toolchain: installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    echo "toolchain: installing python3-venv"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
  fi
}

need_node_modules() {
  # A clean install in CI; elsewhere only when the lock file changed since the last install.
  if [ -n "${CI:-}" ] || [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "toolchain: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

need_go() {
  # The Go bindings test (test-go): Go comes with the machine (/usr/local/go), as Debian's golang-go
  # is older than test-go/go.mod's `go` line and too old to fetch a newer toolchain itself.
  if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then export PATH="/usr/local/go/bin:$PATH"; fi
  command -v go >/dev/null 2>&1 || { echo "toolchain: Go is needed (the version test-go/go.mod names, or newer); put it on PATH"; return 1; }
}

# Quiet jsii's Node.js end-of-life banner: the one list that .projenrc.ts also reads.
set -a
# shellcheck source=scripts/quiet-jsii.env
source "$(dirname "${BASH_SOURCE[0]}")/quiet-jsii.env"
set +a
