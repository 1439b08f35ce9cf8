#!/usr/bin/env bash
# Make sure Debian's Chromium and its chromedriver are on this machine for the browser
# test: use what is there, else install Debian's packages when we may (root or
# passwordless sudo). Never fails: without them the browser test skips and says why.
# Nothing is downloaded outside the package manager (no Selenium Manager, no browser download).
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "Chromium found: /usr/bin/chromium, /usr/bin/chromedriver"; exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Chromium missing and no apt-get here: the browser test will be skipped."; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "Chromium missing and no root/sudo to install it: the browser test will be skipped."; exit 0
  fi
fi
echo "Installing Chromium and chromedriver from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; then
  echo "Chromium installed."
else
  echo "apt-get install chromium chromium-driver failed: the browser test will be skipped."
fi
exit 0
