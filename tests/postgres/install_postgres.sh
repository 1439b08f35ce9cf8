#!/usr/bin/env bash
# Make sure PostgreSQL server binaries are on this machine for the PostgreSQL
# tests: use what is there, else install Debian's package when we may (root or
# passwordless sudo). Never fails: without PostgreSQL those tests skip and say why.
set -u
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && { echo "PostgreSQL found in $d"; exit 0; }
done
command -v initdb >/dev/null 2>&1 && { echo "PostgreSQL found on PATH"; exit 0; }
if ! command -v apt-get >/dev/null 2>&1; then
  echo "PostgreSQL missing and no apt-get here: the PostgreSQL tests will be skipped."; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "PostgreSQL missing and no root/sudo to install it: the PostgreSQL tests will be skipped."; exit 0
  fi
fi
echo "Installing PostgreSQL from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if $SUDO apt-get install -y -qq postgresql >/dev/null 2>&1; then
  echo "PostgreSQL installed."
else
  echo "apt-get install postgresql failed: the PostgreSQL tests will be skipped."
fi
exit 0
