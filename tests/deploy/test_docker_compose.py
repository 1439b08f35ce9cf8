"""Static checks of docker-compose.yml: no Docker engine runs here, so the file must be
right by construction. It parses; every service's image, command and mounts point at
things that exist; the Airflow version matches requirements.txt; no secret is inline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW_SERVICES = ["airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"]
SECRET_NAME = re.compile(r"(PASSWORD|SECRET|TOKEN|FERNET|_KEY)", re.I)


def _airflow_pin() -> str:
    line = next(
        pin for pin in (ROOT / "requirements.txt").read_text().splitlines() if pin.startswith("apache-airflow==")
    )
    return line.split("==")[1]


def test_every_component_is_a_service():
    assert set(AIRFLOW_SERVICES + ["airflow-db", "warehouse-db", "airflow-init"]) <= set(SERVICES)


def test_airflow_image_is_built_from_the_repo_on_the_pinned_airflow():
    pin = _airflow_pin()
    for name in AIRFLOW_SERVICES + ["airflow-init"]:
        service = SERVICES[name]
        assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name
        assert service["image"].endswith(f":{pin}"), name
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(rf"^FROM apache/airflow:{re.escape(pin)}-python3\.11$", dockerfile, re.M)
    assert "requirements.txt" in dockerfile


def test_images_are_pinned():
    for name, service in SERVICES.items():
        image = service.get("image", "")
        assert ":" in image and not image.endswith(":latest"), f"{name}: {image!r}"


def test_airflow_commands_are_airflow_subcommands():
    help_text = subprocess.run(
        [str(Path(sys.executable).with_name("airflow")), "--help"], capture_output=True, text=True
    ).stdout
    for name in AIRFLOW_SERVICES:
        command = SERVICES[name]["command"]
        assert re.search(rf"^\s+{re.escape(command)}\s", help_text, re.M), f"{name}: unknown command {command!r}"


def test_bind_mounts_point_into_the_repo():
    named = set(COMPOSE.get("volumes", {}))
    for name, service in SERVICES.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in named, f"{name}: volume {source} is not declared"


def test_long_running_services_have_health_checks():
    for name, service in SERVICES.items():
        if name != "airflow-init":
            assert "healthcheck" in service and service["healthcheck"]["test"], name


def _env_items():
    for name, service in SERVICES.items():
        env = service.get("environment", {})
        items = env.items() if isinstance(env, dict) else (e.split("=", 1) for e in env)
        for key, value in items:
            yield name, key, str(value)


def test_no_secret_is_inline():
    for name, key, value in _env_items():
        if SECRET_NAME.search(key):
            assert value.startswith("${") or value == "", f"{name}: {key} is set inline"
        for password in re.findall(r"://[^:/@]+:([^@]+)@", value):
            assert password.startswith("${"), f"{name}: {key} carries an inline password"


def test_env_example_names_every_variable_and_sets_no_secret():
    example = (ROOT / ".env.example").read_text()
    defined = dict(entry.split("=", 1) for entry in example.splitlines() if entry and not entry.startswith("#"))
    used = set(re.findall(r"(?<!\$)\$\{([A-Z0-9_]+)\}", (ROOT / "docker-compose.yml").read_text()))
    assert used <= set(defined), f"missing in .env.example: {used - set(defined)}"
    for key, value in defined.items():
        if SECRET_NAME.search(key):
            assert value == "", f".env.example sets {key}"
    assert (ROOT / ".gitignore").read_text().splitlines().count(".env") == 1


def test_project_settings_reach_the_containers():
    env = SERVICES["airflow-scheduler"]["environment"]
    assert env["KAM_WAREHOUSE"].startswith("postgresql://")
    assert env["AIRFLOW__CORE__DAGS_FOLDER"] == "/opt/airflow/dags"
    mounts = SERVICES["airflow-scheduler"]["volumes"]
    assert {
        "./dags:/opt/airflow/dags",
        "./plugins:/opt/airflow/plugins",
        "./dbt_project:/opt/airflow/dbt_project",
    } <= set(mounts)


def test_openlineage_events_go_to_a_file_in_the_kam_home_as_with_make_run():
    import json
    from dataclasses import replace

    from kam.cli.airflow_env import lineage_env
    from kam.config import load_settings

    env = SERVICES["airflow-scheduler"]["environment"]
    local = lineage_env(replace(load_settings(), home=Path(env["KAM_HOME"])))
    assert {key: env[key] for key in local} == local
    assert json.loads(env["AIRFLOW__OPENLINEAGE__TRANSPORT"])["log_file_path"] == "/opt/kam/openlineage.jsonl"


def test_the_image_has_java_17_for_the_spark_warehouse():
    """KAM_WAREHOUSE=spark starts pyspark's JVM: Debian's headless JRE is installed as root, then back to airflow."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    install = re.search(r"^USER root\nRUN (.+?)\nUSER airflow$", dockerfile, re.M | re.S)
    assert install is not None
    assert "apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless" in install.group(1)
