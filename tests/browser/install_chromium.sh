#!/usr/bin/env bash
# Make sure Debian's Chromium and its chromedriver are on this machine for the browser
# test: use what is there, else install Debian's packages (tests/install_debian_packages.sh).
# Never fails: without them the browser test skips and says why. No Selenium Manager download.
set -u
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  echo "Chromium found: /usr/bin/chromium, /usr/bin/chromedriver"; exit 0
fi
exec bash "$(dirname "$0")/../install_debian_packages.sh" "Chromium and chromedriver" "the browser test" \
  chromium chromium-driver
