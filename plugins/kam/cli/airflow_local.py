"""`make airflow` / `make airflow-stop`: a local Airflow 3 from the checkout, in the background.

    python -m kam.cli.airflow_local start [--port 8080]
    python -m kam.cli.airflow_local stop

`start` migrates the metadata DB of `$AIRFLOW_HOME`, sets the pool `kam_warehouse`, starts the
api-server, then scheduler, dag-processor and triggerer (each in a session of its own, log in
`$AIRFLOW_HOME/logs/local/<component>.log`), records them in `$AIRFLOW_HOME/airflow_local.json`,
waits until every component reports healthy and prints the URL and the login. `stop` sends SIGTERM
to the four, then SIGKILL to whatever is left of their process groups and of the processes that
inherited the instance's marker variable (task and dbt processes in sessions of their own).
Why: docs/decisions/0021-local-airflow-from-the-checkout.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kam.cli.airflow_env import AIRFLOW, airflow, airflow_env, ensure_lineage_folder, ensure_pool
from kam.config import REPO_ROOT, load_settings

API_SERVER = "api-server"
COMPONENTS = (API_SERVER, "scheduler", "dag-processor", "triggerer")
DEFAULT_PORT = 8080
PORT_ENV = "AIRFLOW_PORT"
HOST = "127.0.0.1"
USERNAME = "admin"  # SimpleAuthManager's default user `admin:admin` (name:role)
MARKER_ENV = "KAM_AIRFLOW_LOCAL"  # set to AIRFLOW_HOME in every process of the instance
STATE_FILE = "airflow_local.json"
# Defaults the environment may override: the DAG runs at most 2 tasks at a time (the pool has one slot).
LOCAL_DEFAULTS = {"AIRFLOW__CORE__PARALLELISM": "4"}
START_TIMEOUT_SECONDS = 300.0
STOP_GRACE_SECONDS = 30.0
POLL_SECONDS = 1.0
EXIT_FAILED = 1


@dataclass(frozen=True)
class LocalAirflow:
    """A started instance: where it answers, how to log in, its component processes."""

    url: str
    username: str
    password: str
    password_file: Path
    pids: dict[str, int]
    log_dir: Path


class AirflowStartError(RuntimeError):
    """A component died or the instance did not become healthy in time; the message has the log tail."""


def state_path(airflow_home: Path) -> Path:
    return airflow_home / STATE_FILE


def instance_env(env: dict[str, str], port: int) -> dict[str, str]:
    """`env` (over LOCAL_DEFAULTS) plus the instance's port, its API URLs, the marker, `.venv/bin` on PATH."""
    url = f"http://{HOST}:{port}"
    return {
        **LOCAL_DEFAULTS,
        **env,
        "AIRFLOW__API__HOST": HOST,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        MARKER_ENV: env["AIRFLOW_HOME"],
        "PATH": os.pathsep.join([str(Path(AIRFLOW).parent), env.get("PATH", "")]),
    }


def alive(pid: int) -> bool:
    """True when `pid` runs and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return not any(line.startswith("State:") and "zombie" in line for line in status.splitlines())


def read_state(airflow_home: Path) -> dict | None:
    try:
        return json.loads(state_path(airflow_home).read_text())
    except (OSError, ValueError):
        return None


def record(airflow_home: Path, url: str, pids: dict[str, int]) -> None:
    state_path(airflow_home).write_text(json.dumps({"url": url, "pids": pids}) + "\n")


def running_instance(airflow_home: Path) -> dict | None:
    """The recorded instance of this home when one of its components still runs."""
    state = read_state(airflow_home)
    if state and any(alive(pid) for pid in state["pids"].values()):
        return state
    return None


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def health(url: str) -> dict | None:
    """`/api/v2/monitor/health` as JSON, None while the api-server does not answer."""
    try:
        with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=5) as response:
            return json.loads(response.read())
    except (OSError, ValueError, urllib.error.URLError):
        return None


def all_healthy(report: dict | None) -> bool:
    parts = ("metadatabase", "scheduler", "dag_processor", "triggerer")
    return bool(report) and all((report.get(part) or {}).get("status") == "healthy" for part in parts)


def password_file(env: dict[str, str]) -> Path:
    """SimpleAuthManager's password file (it generates the password on the api-server's first start)."""
    configured = env.get("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE")
    return (
        Path(configured) if configured else Path(env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated"
    )


def read_password(path: Path) -> str:
    return json.loads(path.read_text())[USERNAME]


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def prepare_metadata_db(env: dict[str, str]) -> None:
    """`airflow db migrate` (a no-op when current), the one-slot pool `kam_warehouse`, the lineage folder."""
    Path(env["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    ensure_lineage_folder(env)
    migrate = airflow(["db", "migrate"], env)
    if migrate.returncode != 0:
        raise AirflowStartError(f"airflow db migrate failed:\n{migrate.stdout[-3000:]}\n{migrate.stderr[-3000:]}")
    ensure_pool(env)


def spawn(component: str, env: dict[str, str], log_dir: Path) -> int:
    """`airflow <component>` in a session of its own, output to `<log_dir>/<component>.log`; its pid."""
    with (log_dir / f"{component}.log").open("a") as log:
        child = subprocess.Popen(
            [AIRFLOW, component],
            env=env,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return child.pid


def wait_until(ready, url: str, pids: dict[str, int], log_dir: Path, deadline: float) -> None:
    """Poll `ready(health report)` until true; AirflowStartError when a component exits or time runs out."""
    while not ready(health(url)):
        dead = [name for name, pid in pids.items() if not alive(pid)]
        if dead:
            log = log_dir / f"{dead[0]}.log"
            raise AirflowStartError(f"airflow {dead[0]} exited; last lines of {log}:\n{log_tail(log)}")
        if time.monotonic() >= deadline:
            raise AirflowStartError(f"Airflow at {url} not healthy in time: {health(url)}")
        time.sleep(POLL_SECONDS)


def start(env: dict[str, str], port: int = DEFAULT_PORT, timeout: float = START_TIMEOUT_SECONDS) -> LocalAirflow:
    """Start the instance of `env["AIRFLOW_HOME"]` on `port` and wait until it is healthy.

    Raises AirflowStartError when it is already running, the port is taken, or it does not come up
    (then what was started is stopped again).
    """
    airflow_home = Path(env["AIRFLOW_HOME"])
    running = running_instance(airflow_home)
    if running:
        raise AirflowStartError(f"Airflow of {airflow_home} already runs at {running['url']} (pids {running['pids']})")
    if port_in_use(port):
        raise AirflowStartError(f"port {port} is already in use: set {PORT_ENV} to another port")
    env = instance_env(env, port)
    prepare_metadata_db(env)
    log_dir = airflow_home / "logs" / "local"
    log_dir.mkdir(parents=True, exist_ok=True)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + timeout
    # The api-server first: tasks report to its execution API, so none may start before it answers.
    pids = {API_SERVER: spawn(API_SERVER, env, log_dir)}
    record(airflow_home, url, pids)
    try:
        wait_until(lambda report: report is not None, url, pids, log_dir, deadline)
        pids |= {component: spawn(component, env, log_dir) for component in COMPONENTS if component != API_SERVER}
        record(airflow_home, url, pids)
        wait_until(all_healthy, url, pids, log_dir, deadline)
    except BaseException:
        stop(airflow_home)
        raise
    secrets = password_file(env)
    return LocalAirflow(url, USERNAME, read_password(secrets), secrets, pids, log_dir)


def live_processes(airflow_home: Path, sessions: Iterable[int]) -> list[int]:
    """Live processes of the instance: members of its sessions' process groups, and every process whose
    environment carries its marker (a task or dbt process in a session of its own)."""
    groups = set(sessions)
    marker = f"{MARKER_ENV}={airflow_home}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            stat = (entry / "stat").read_text()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        marked = environ.startswith(marker) or b"\0" + marker in environ
        if state != "Z" and (int(pgrp) in groups or marked):
            found.append(int(entry.name))
    return found


def send(pids: Iterable[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)


def stop(airflow_home: Path, grace: float = STOP_GRACE_SECONDS) -> list[int]:
    """Stop the instance of `airflow_home` (SIGTERM, SIGKILL after `grace` seconds); the pids it had."""
    state = read_state(airflow_home) or {"pids": {}}
    sessions = list(state["pids"].values())
    running = live_processes(airflow_home, sessions)
    send([pid for pid in sessions if pid in running], signal.SIGTERM)
    deadline = time.monotonic() + grace
    while (left := live_processes(airflow_home, sessions)) and time.monotonic() < deadline:
        time.sleep(0.2)
    send(left, signal.SIGKILL)
    while live_processes(airflow_home, sessions) and time.monotonic() < deadline + grace:
        time.sleep(0.2)
    state_path(airflow_home).unlink(missing_ok=True)
    return running


def port_setting(text: str | None) -> int:
    try:
        port = int(text) if text else DEFAULT_PORT
    except ValueError:
        raise argparse.ArgumentTypeError(f"{PORT_ENV} must be a port number, got {text!r}") from None
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{PORT_ENV} must be a port number, got {text!r}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kam.cli.airflow_local", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start_parser = commands.add_parser("start", help="start Airflow in the background and wait until it is healthy")
    start_parser.add_argument("--port", type=port_setting, default=None, help=f"default ${PORT_ENV} or {DEFAULT_PORT}")
    commands.add_parser("stop", help="stop every process `start` started")
    args = parser.parse_args(argv)

    env = airflow_env(load_settings())
    airflow_home = Path(env["AIRFLOW_HOME"])
    if args.command == "stop":
        ended = stop(airflow_home)
        print(f"Airflow of {airflow_home} stopped ({len(ended)} processes)" if ended else "Airflow was not running")
        return 0
    running = running_instance(airflow_home)
    if running:
        print(f"Airflow already runs at {running['url']} (pids {running['pids']}); `make airflow-stop` stops it")
        return 0
    try:
        port = args.port or port_setting(os.environ.get(PORT_ENV))
    except argparse.ArgumentTypeError as err:
        parser.error(str(err))
    print(f"starting Airflow (AIRFLOW_HOME={airflow_home}, port {port}) ...", flush=True)
    try:
        instance = start(env, port)
    except AirflowStartError as err:
        print(f"Airflow did not start: {err}", file=sys.stderr)
        return EXIT_FAILED
    print(f"Airflow UI:  {instance.url}")
    print(f"login:       {instance.username} / {instance.password}   (from {instance.password_file})")
    print(f"logs:        {instance.log_dir}/<component>.log")
    print("stop it with `make airflow-stop`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
