"""PostgreSQL building blocks of kam.warehouse.postgres_warehouse, and the BI reader role.

kam.pg.connection   connect_url(url) -> psycopg2 connection (TimeZone UTC)
kam.pg.sync         sync_tables(landing, pg): the night's raw/quarantine/meta changes
                    from the landing DuckDB into PostgreSQL, in one transaction
kam.pg.roles        apply deploy/postgres/bi_reader.sql (`python -m kam.pg.roles`)
"""
