"""A small client of Airflow 3's REST API (`/api/v2`) for the browser test: token, DAGs, runs, task states."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

POLL_SECONDS = 3.0


class AirflowRest:
    """Logged in as `username` at `url` (SimpleAuthManager's `/auth/token`)."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self.url = url
        token = self._call("POST", "/auth/token", {"username": username, "password": password}, token=None)
        self._token = token["access_token"]

    def _call(self, method: str, path: str, body: Any = None, token: str | None = "") -> Any:
        headers = {"Content-Type": "application/json"}
        bearer = self._token if token == "" else token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def get(self, path: str) -> Any:
        return self._call("GET", f"/api/v2{path}")

    def unpause(self, dag_id: str) -> None:
        self._call("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def wait_for_dag(self, dag_id: str, timeout: float) -> dict:
        """The DAG once the dag-processor has parsed it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.get(f"/dags/{dag_id}")
            except urllib.error.HTTPError as err:
                if err.code != 404 or time.monotonic() >= deadline:
                    raise
            time.sleep(POLL_SECONDS)

    def dag_runs(self, dag_id: str) -> list[dict]:
        return self.get(f"/dags/{dag_id}/dagRuns?order_by=run_after")["dag_runs"]

    def wait_for_finished_runs(self, dag_id: str, count: int, timeout: float) -> list[dict]:
        """The DAG's runs once at least `count` exist and none is queued or running (TimeoutError else)."""
        deadline = time.monotonic() + timeout
        while True:
            runs = self.dag_runs(dag_id)
            if len(runs) >= count and all(run["state"] in ("success", "failed") for run in runs):
                return runs
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{dag_id}: runs not finished after {timeout:.0f} s: {runs}")
            time.sleep(POLL_SECONDS)

    def task_ids(self, dag_id: str) -> list[str]:
        return [task["task_id"] for task in self.get(f"/dags/{dag_id}/tasks")["tasks"]]

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str]:
        instances = self.get(f"/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id, safe='')}/taskInstances")[
            "task_instances"
        ]
        return {ti["task_id"]: ti["state"] for ti in instances}
