# Airflow 3 image with this project's pinned dependencies (dbt, Cosmos, GX, DuckDB).
# The DAGs, plugins and dbt project are mounted by docker-compose.yml, not baked in.
# Java 17 (Debian's headless JRE, /usr/bin/java) lets KAM_WAREHOUSE=spark start pyspark's local JVM.
FROM apache/airflow:3.3.2-python3.11
USER root
RUN mkdir -p /usr/share/man/man1 \
    && apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless \
    && apt-get clean && rm -rf /var/lib/apt/lists/*
USER airflow
COPY --chown=airflow:0 requirements.txt /opt/airflow/requirements.txt
RUN pip install --no-cache-dir -r /opt/airflow/requirements.txt
ENV DBT_SEND_ANONYMOUS_USAGE_STATS=False \
    AIRFLOW__COSMOS__ENABLE_TELEMETRY=False \
    GX_ANALYTICS_ENABLED=False \
    PYTHONPATH=/opt/airflow/plugins
