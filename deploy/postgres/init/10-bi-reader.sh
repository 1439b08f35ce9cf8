#!/usr/bin/env bash
# First start of the warehouse server: create the bi_reader role (idempotent SQL).
set -euo pipefail
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" \
  -v bi_reader_password="$BI_READER_PASSWORD" -v pipeline_role="$POSTGRES_USER" \
  -f /opt/kam/bi_reader.sql
