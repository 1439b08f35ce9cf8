"""Warehouse URLs: which engine a `KAM_WAREHOUSE` names, and URLs in messages without their password."""

from __future__ import annotations

import re

_PASSWORD = re.compile(r"(://[^:/@]+):[^@]*@")


def safe_url(url: str) -> str:
    """The URL with its password hidden (`postgresql://kam:***@host/db`)."""
    return _PASSWORD.sub(r"\1:***@", url)


POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+")


def is_postgres_url(warehouse: str) -> bool:
    """A `KAM_WAREHOUSE` naming a PostgreSQL server (else it is a DuckDB file path)."""
    return str(warehouse).startswith(POSTGRES_PREFIXES)
