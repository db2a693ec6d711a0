#!/usr/bin/env bash
# check_casedb against PostgreSQL (ctest check_casedb_postgresql): starts a
# PostgreSQL 15 server of its own (tests/e2e/lib/pg.sh: a temporary
# directory, a Unix socket, no network) and runs CHECK_CASEDB with
# FX_TEST_PG_HOST set, which runs the API tests against fresh ledgers
# (tests/check_casedb.c, backend_suite). SKIP (77) without the server.
#   check_casedb_pg.sh CHECK_CASEDB
set -euo pipefail
. "$(dirname "$0")/e2e/lib/common.sh"
. "$(dirname "$0")/e2e/lib/pg.sh"

main() {
	local bin=$1
	fx_begin
	pg_start
	FX_TEST_PG_HOST=$FX_PG_HOST PGPASSWORD=fxtest "$bin" || fail "check_casedb on PostgreSQL failed"
	check_ok
	fx_pass
}
main "$@"
