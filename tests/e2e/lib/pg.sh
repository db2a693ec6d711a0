# shellcheck shell=bash disable=SC2034 # globals set here are read by the tests
# A PostgreSQL 15 server of the test's own, for the lab-ledger tests
# (docs/casedb.md, "PostgreSQL"). Sourced after common.sh.
#
#   pg_start            initdb + pg_ctl start in a fresh mktemp -d directory,
#                       listening only on a Unix socket in it (no TCP), as
#                       the user nobody when run as root (initdb refuses
#                       root); stopped and removed at exit (defer). SKIP
#                       when the server binaries are missing. Sets:
#     FX_PG_DIR         the directory (data/, the socket, log)
#     FX_PG_HOST        the socket directory, URI-encoded (%2F...)
#     FX_PG_SUPER       the superuser's URI (user postgres, trust), to
#                       database postgres
#   pg_uri USER DB [PASSWORD]   a postgresql:// URI for USER to DB
#   pg_sql DB SQL...    runs SQL as the superuser (psql -X -q -v
#                       ON_ERROR_STOP=1 -At); prints the result
#   pg_ledger DB        creates database DB and sets it up with verify
#                       ledger init (as the superuser)
#   pg_station DB NAME PASSWORD  a login role that is a member of fx_station
#
# Local connections as postgres are trusted; every other role logs in
# with its password (scram-sha-256), so a wrong password is refused.

FX_PG_BIN=${FX_PG_BIN:-/usr/lib/postgresql/15/bin}
# fsync off for the tests' speed; the benchmark sets FX_PG_FSYNC=on
FX_PG_FSYNC=${FX_PG_FSYNC:-off}
FX_PG_DIR=
FX_PG_HOST=
FX_PG_SUPER=

# Runs CMD... as the server's owner.
pg_as_owner() {
	if [[ $(id -u) == 0 ]]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

pg_stop() {
	[[ -n $FX_PG_DIR && -d $FX_PG_DIR/data ]] || return 0
	pg_as_owner "$FX_PG_BIN/pg_ctl" -D "$FX_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$FX_PG_DIR"
}

pg_start() {
	[[ -x $FX_PG_BIN/initdb && -x $FX_PG_BIN/pg_ctl ]] ||
		skip "PostgreSQL 15 server not installed ($FX_PG_BIN/initdb; scripts/deps.sh installs postgresql-15)"
	have_tool psql || skip "psql not installed (postgresql-client-15)"
	FX_PG_DIR=$(mktemp -d /tmp/fxpg.XXXXXX)
	chmod 755 "$FX_PG_DIR"
	if [[ $(id -u) == 0 ]]; then
		id nobody >/dev/null 2>&1 || skip "no user nobody to run PostgreSQL as"
		chown nobody "$FX_PG_DIR"
	fi
	defer pg_stop
	pg_as_owner "$FX_PG_BIN/initdb" -D "$FX_PG_DIR/data" -U postgres -E UTF8 \
		--locale=C --no-sync --auth-local=trust >"$FX_PG_DIR/initdb.log" 2>&1 ||
		fail "initdb failed: $(tail -3 "$FX_PG_DIR/initdb.log")"
	printf '%s\n' "local all postgres trust" "local all all scram-sha-256" \
		>"$FX_PG_DIR/data/pg_hba.conf"
	pg_as_owner "$FX_PG_BIN/pg_ctl" -D "$FX_PG_DIR/data" -l "$FX_PG_DIR/log" -w \
		-o "-c listen_addresses='' -c unix_socket_directories='$FX_PG_DIR' -c fsync=$FX_PG_FSYNC -c max_connections=60" \
		start >/dev/null 2>&1 || fail "PostgreSQL did not start: $(tail -5 "$FX_PG_DIR/log")"
	FX_PG_HOST=${FX_PG_DIR//\//%2F}
	FX_PG_SUPER=$(pg_uri postgres postgres)
}

pg_uri() {
	local user=$1 db=$2 pw=${3:-}
	echo "postgresql://$user${pw:+:$pw}@$FX_PG_HOST/$db"
}

pg_sql() {
	local db=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -At "$(pg_uri postgres "$db")" -c "$*"
}

pg_ledger() {
	pg_sql postgres "CREATE DATABASE $1" >/dev/null
	"$FX_BIN/verify" -q ledger init --db "$(pg_uri postgres "$1")" >/dev/null ||
		fail "verify ledger init of $1 failed"
}

pg_station() {
	pg_sql "$1" "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$2') THEN CREATE ROLE $2 LOGIN PASSWORD '$3' IN ROLE fx_station; END IF; END \$\$" >/dev/null
}
