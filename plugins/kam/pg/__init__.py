"""The PostgreSQL warehouse: connections, the landing-to-warehouse sync, the BI reader role.

    kam.pg.connection   connect(settings) -> psycopg2 connection (TimeZone UTC)
    kam.pg.sync         sync_landing(settings): the night's raw/quarantine/meta changes
                        from the landing DuckDB into PostgreSQL, in one transaction
    kam.pg.extraction   extract_into_postgres(settings, system, run_id, as_of): extract into
                        the landing DuckDB, then sync
    kam.pg.roles        apply deploy/postgres/bi_reader.sql (`python -m kam.pg.roles`)
"""
