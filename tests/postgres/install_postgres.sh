#!/usr/bin/env bash
# Make sure PostgreSQL server binaries are on this machine for the PostgreSQL
# tests: use what is there, else install Debian's package (tests/install_debian_packages.sh).
# Never fails: without PostgreSQL those tests skip and say why.
set -u
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && { echo "PostgreSQL found in $d"; exit 0; }
done
command -v initdb >/dev/null 2>&1 && { echo "PostgreSQL found on PATH"; exit 0; }
exec bash "$(dirname "$0")/../install_debian_packages.sh" "PostgreSQL" "the PostgreSQL tests" postgresql
