#!/usr/bin/env bash
# Make sure LibreOffice Calc (soffice) and Ghostscript are on this machine for the workbook's
# rendering test (tests/integration/export/test_workbook_renders.py): use what is there, else
# install Debian's packages (tests/install_debian_packages.sh). Never fails: without them that
# test skips and says why.
set -u
if [ -x /usr/bin/soffice ] && command -v gs >/dev/null 2>&1; then
  echo "LibreOffice and Ghostscript found"; exit 0
fi
exec bash "$(dirname "$0")/../install_debian_packages.sh" "LibreOffice Calc and Ghostscript" \
  "the workbook rendering test" --no-install-recommends libreoffice-calc ghostscript
