"""Connections to a PostgreSQL server (psycopg2), with the pipeline's session settings.

`KAM_WAREHOUSE` may be written `postgresql://`, `postgres://` or with a SQLAlchemy
driver suffix (`postgresql+psycopg2://`); libpq wants the plain form.
Every session runs with TimeZone UTC, like the DuckDB warehouse.
"""

from __future__ import annotations

import re

import psycopg2
import psycopg2.extensions

from kam.warehouse.urls import safe_url

_DRIVER_SUFFIX = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://")


def libpq_url(url: str) -> str:
    """The URL as libpq accepts it (`postgresql://...`, no SQLAlchemy driver suffix)."""
    if not _DRIVER_SUFFIX.match(url):
        raise ValueError(f"not a PostgreSQL URL: {safe_url(url)}")
    return _DRIVER_SUFFIX.sub("postgresql://", url, count=1)


def connect_url(url: str, *, application_name: str = "kam") -> psycopg2.extensions.connection:
    """A new connection to `url` (TimeZone UTC, not in autocommit)."""
    try:
        return psycopg2.connect(libpq_url(url), options="-c TimeZone=UTC", application_name=application_name)
    except psycopg2.OperationalError as exc:
        raise RuntimeError(f"cannot connect to the PostgreSQL warehouse {safe_url(url)}: {str(exc).strip()}") from exc
