#!/usr/bin/env bash
# Install Debian packages a group of tests needs, when we may (root or passwordless sudo).
#   bash tests/install_debian_packages.sh "<what>" "<the tests that skip without it>" [apt options] package...
# The callers (tests/*/install_*.sh) first use what is there. Never fails: without the
# packages those tests skip and say why. Nothing is downloaded outside the package manager.
set -u
what=$1 tests=$2
shift 2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "$what missing and no apt-get here: $tests will be skipped."; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "$what missing and no root/sudo to install it: $tests will be skipped."; exit 0
  fi
fi
echo "Installing $what from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if $SUDO apt-get install -y -qq "$@" >/dev/null 2>&1; then
  echo "$what installed."
else
  echo "apt-get install $* failed: $tests will be skipped."
fi
exit 0
