-- The read-only role of BI tools on the PostgreSQL warehouse. Idempotent: run it
-- as the pipeline's role (the owner of the reporting tables) any number of times.
--   psql -v bi_reader_password=... -v pipeline_role=kam -f deploy/postgres/bi_reader.sql
-- bi_reader may SELECT the `reporting` schema and nothing else: no raw,
-- quarantine or contact data, no writes.
\set ON_ERROR_STOP on
select not exists (select from pg_roles where rolname = 'bi_reader') as bi_reader_missing \gset
\if :bi_reader_missing
create role bi_reader login;
\endif
select format('alter role bi_reader with login nocreatedb nocreaterole password %L', :'bi_reader_password') \gexec
create schema if not exists reporting;
revoke create on schema public from public;
revoke all on schema public from bi_reader;
grant usage on schema reporting to bi_reader;
grant select on all tables in schema reporting to bi_reader;
alter default privileges for role :"pipeline_role" in schema reporting grant select on tables to bi_reader;
