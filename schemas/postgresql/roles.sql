-- The roles of a lab ledger on PostgreSQL (docs/casedb.md, "PostgreSQL").
-- Run by a superuser (or a role with CREATEROLE) in the ledger's database,
-- before schemas/postgresql/schema.sql; safe to run again (roles are
-- cluster-wide: several ledgers share them).
--
-- fx_ledger_admin owns the schema: it alone could ALTER it, and even it is
--   stopped by the append-only triggers; nobody logs in as it.
-- fx_station may SELECT and INSERT (and finish a running acquisition);
--   each station or examiner logs in as a role that is a member of it:
--   CREATE ROLE station1 LOGIN PASSWORD '...' IN ROLE fx_station;
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fx_ledger_admin') THEN
		CREATE ROLE fx_ledger_admin NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fx_station') THEN
		CREATE ROLE fx_station NOLOGIN;
	END IF;
END $$;

-- The owner creates the schema's objects in this database's public schema
-- (PostgreSQL 15 gives PUBLIC no CREATE there); stations only use it.
GRANT USAGE, CREATE ON SCHEMA public TO fx_ledger_admin;
GRANT USAGE ON SCHEMA public TO fx_station;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
