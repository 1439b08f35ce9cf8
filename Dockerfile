# Airflow 3 image with this project's pinned dependencies (dbt, Cosmos, GX, DuckDB).
# The DAGs, plugins and dbt project are mounted by docker-compose.yml, not baked in.
FROM apache/airflow:3.3.2-python3.11
USER airflow
COPY --chown=airflow:0 requirements.txt /opt/airflow/requirements.txt
RUN pip install --no-cache-dir -r /opt/airflow/requirements.txt
ENV DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    GX_ANALYTICS_ENABLED=False \
    PYTHONPATH=/opt/airflow/plugins
