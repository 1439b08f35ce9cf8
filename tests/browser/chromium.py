"""Headless Debian Chromium driven by Selenium, for the browser test; nothing is ever downloaded.

The browser and the driver are Debian's (`install_chromium.sh` puts them there when it may);
Selenium gets both paths, and Selenium Manager runs offline, so it never fetches a browser.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WINDOW = "1600,1000"


def missing_reason() -> str | None:
    """Why the browser test cannot run here, or None when it can."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} missing: run tests/browser/install_chromium.sh (Debian's chromium and chromium-driver)"
    return None


def headless_chromium():
    """A new headless Chromium WebDriver (the caller quits it)."""
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager: never reach the network
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={WINDOW}"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
