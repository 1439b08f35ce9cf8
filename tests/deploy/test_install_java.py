"""tests/spark/install_java.sh finds the Java pyspark would start ($JAVA_HOME/bin/java) and installs nothing when
it is 17 or newer (fake `java` binaries printing a version, so no package manager runs)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tests" / "spark" / "install_java.sh"


def _java_home(tmp_path: Path, version: str) -> Path:
    home = tmp_path / f"jdk-{version}"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2025-04-15' >&2\n")
    java.chmod(0o755)
    return home


@pytest.mark.parametrize("version", ["17.0.15", "21.0.2"])
def test_a_java_17_or_newer_in_java_home_is_used_as_it_is(tmp_path, version):
    home = _java_home(tmp_path, version)
    done = subprocess.run(
        ["bash", str(SCRIPT), "--required"],
        env={"PATH": "/usr/bin:/bin", "JAVA_HOME": str(home)},
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (0, f"Java found: {home}/bin/java\n")
