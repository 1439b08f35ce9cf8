#!/usr/bin/env bash
# Make sure LibreOffice Calc (soffice) and Ghostscript are on this machine for the workbook's
# rendering test (tests/integration/export/test_workbook_renders.py): use what is there, else
# install Debian's packages when we may (root or passwordless sudo). Never fails: without them
# that test skips and says why.
set -u
if [ -x /usr/bin/soffice ] && command -v gs >/dev/null 2>&1; then
  echo "LibreOffice and Ghostscript found"; exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "LibreOffice or Ghostscript missing and no apt-get here: the workbook rendering test will be skipped."; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "LibreOffice or Ghostscript missing and no root/sudo to install them: the workbook rendering test will be skipped."
    exit 0
  fi
fi
echo "Installing LibreOffice Calc and Ghostscript from Debian's packages..."
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if $SUDO apt-get install -y -qq --no-install-recommends libreoffice-calc ghostscript >/dev/null 2>&1; then
  echo "LibreOffice Calc and Ghostscript installed."
else
  echo "apt-get install libreoffice-calc ghostscript failed: the workbook rendering test will be skipped."
fi
exit 0
