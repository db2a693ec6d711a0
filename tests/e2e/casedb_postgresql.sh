#!/usr/bin/env bash
# The case database as a PostgreSQL lab ledger (docs/casedb.md,
# "PostgreSQL"), against a real PostgreSQL 15 server started by the test
# (tests/e2e/lib/pg.sh: initdb and pg_ctl in a temporary directory, a Unix
# socket only, no network):
#   - verify ledger init sets up a fresh database, refuses one with tables;
#   - acquire, verify, handoff, list and audit with --db postgresql://...,
#     the station recorded with every event, the password never printed;
#   - 4 stations x 250 events at once: 1000 events, one intact chain;
#   - the station role cannot UPDATE, DELETE or TRUNCATE, the superuser is
#     stopped by the triggers (exact psql errors);
#   - tampering as the superuser with triggers off (edit, delete, reorder,
#     truncate the tail, a trigger disabled or dropped) found by verify
#     audit, naming the first bad event;
#   - bad input (unreachable server, wrong password, missing privileges, no
#     schema, a newer schema): one line, exit 4, no image file written;
#   - the connection cut during an acquisition (the server up): connected
#     again, the result recorded; the server gone: exit 4, the image, its
#     .sha256 and the log kept and complete;
#   - two stations signing with their own keys, and an RFC 3161 anchor
#     (the token stored as bytea) checked by verify audit.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/pg.sh"
. "$(dirname "$0")/lib/tsa.sh"

VERIFY=

# audit_line DB-URI: the first line verify audit prints (in a $(...), so
# its exit code is checked apart).
audit_line() {
	run_cmd "$VERIFY" audit --db "$1"
	head -n1 "$FX_OUT"
}

test_init() {
	local admin n
	admin=$(pg_uri postgres lab)
	pg_sql postgres "CREATE DATABASE lab" >/dev/null
	assert_exit 0 "$VERIFY" ledger init --db "$admin"
	assert_eq "ledger ready: postgresql://postgres@$FX_PG_HOST/lab (schema 5; roles fx_ledger_admin, fx_station)" \
		"$(stdout_of_last)" "verify ledger init's line"
	assert_eq "fx_ledger_admin" "$(pg_sql lab "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'")" \
		"the schema is owned by the administrator role"
	assert_eq "schema.create" "$(pg_sql lab "SELECT action FROM audit_log")" "one schema.create event"
	n=$(pg_sql lab "SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i', 'S', 'v')")
	assert_exit 4 "$VERIFY" ledger init --db "$admin"
	assert_eq "verify: ledger init: case database postgresql://postgres@$FX_PG_HOST/lab already has tables ($n); a ledger is set up in a new, empty database" \
		"$(stderr_of_last)" "a second init is refused"
	assert_exit 2 "$VERIFY" ledger init --db "$FX_WORK/x.db"
	assert_eq "verify: ledger init: --db must be a postgresql:// connection URI (see verify --help)" \
		"$(stderr_of_last)" "ledger init needs a URI"
	assert_missing "$FX_WORK/x.db" "no SQLite file made by ledger init"
	pg_station lab st1 pw1
	pg_station lab st2 pw2
}

test_acquire_verify() {
	local src uri host line
	src=$(sample_disk)
	uri=$(pg_uri st1 lab pw1)
	host=$(hostname)
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case PG-1 --evidence EV-1 --station bench-1 \
		--db "$uri" "$src" "$FX_WORK/ev1"
	assert_eq "$(sha256_of "$src")  ev1.raw" "$(cat "$FX_WORK/ev1.sha256")" "the image's SHA-256 file"
	assert_not_contains "$(cat "$FX_WORK/ev1.log")" "pw1" "the log never shows the password"
	assert_file_line "$FX_WORK/ev1.log" "Case database:          postgresql://st1@$FX_PG_HOST/lab (acquisition 1)" \
		"the log names the ledger without the password"
	assert_eq "$host station bench-1" \
		"$(pg_sql lab "SELECT DISTINCT host FROM audit_log WHERE action LIKE 'acquisition.%'")" \
		"the acquisition's events record host and station"
	# PGPASSWORD and PGUSER are honoured (a URI without user and password)
	PGUSER=st2 PGPASSWORD=pw2 FX_STATION=desk-2 assert_exit 0 "$VERIFY" -q \
		--db "postgresql://$FX_PG_HOST/lab" "$FX_WORK/ev1.raw"
	assert_eq "$host station desk-2" \
		"$(pg_sql lab "SELECT host FROM audit_log WHERE action = 'verification.record' ORDER BY seq DESC LIMIT 1")" \
		"FX_STATION names the verifier's station"
	assert_exit 0 "$VERIFY" handoff EV-1 --case PG-1 --to "Det. Roe" --reason court \
		--station bench-1 --db "$uri"
	assert_contains "$(stdout_of_last)" "custody of evidence EV-1 transferred from" "handoff recorded"
	assert_exit 0 "$VERIFY" list --db "$uri"
	assert_contains "$(stdout_of_last)" "held by Det. Roe since" "list reads the ledger"
	assert_exit 0 "$VERIFY" list --db "postgres://st1:pw1@$FX_PG_HOST/lab"
	assert_contains "$(stdout_of_last)" "held by Det. Roe since" "postgres:// is a ledger too"
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --station $'bad\tname' --db "$uri" "$src" "$FX_WORK/st"
	assert_eq "acquire: --station: station name holds a control character (byte 4) (see acquire --help)" \
		"$(stderr_of_last)" "a station name with a control character"
	FX_STATION=$(printf 'x%.0s' {1..65}) assert_exit 2 "$VERIFY" list --db "$uri"
	assert_eq "verify: FX_STATION: station name 'xxxxxxxxxxxxxxxxxxxx...' is 65 characters (1 to 64)" \
		"$(stderr_of_last)" "FX_STATION too long"
	assert_exit 0 "$VERIFY" audit --db "$uri"
	line=$(head -n1 "$FX_OUT")
	assert_eq "verify: audit chain of postgresql://st1@$FX_PG_HOST/lab is intact: $(pg_sql lab "SELECT count(*) FROM audit_log") events, 0 signed, head $(pg_sql lab "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")" \
		"$line" "the chain is intact"
	assert_not_contains "$(cat "$FX_OUT" "$FX_ERR")" "pw1" "audit never shows the password"
}

test_concurrent() {
	local uri s n pids=() host
	uri=$(pg_uri st1 ledger4 pw1)
	host=$(hostname)
	pg_sql postgres "CREATE DATABASE ledger4" >/dev/null
	"$VERIFY" -q ledger init --db "$(pg_uri postgres ledger4)" || fail "init ledger4"
	for s in A B C D; do
		"$FX_TESTS_BIN/fx_ledger_append" "$uri" 250 "$s" >"$FX_WORK/append-$s.out" 2>&1 &
		pids+=($!)
	done
	for s in "${pids[@]}"; do
		wait "$s" || fail "an appender failed: $(cat "$FX_WORK"/append-*.out)"
	done
	check_ok
	assert_eq 1000 "$(pg_sql ledger4 "SELECT count(*) FROM custody_events")" "1000 custody rows"
	for s in A B C D; do
		assert_eq 250 "$(pg_sql ledger4 "SELECT count(*) FROM audit_log WHERE action = 'custody.transfer' AND host = '$host station $s'")" \
			"station $s's 250 events"
	done
	n=$(pg_sql ledger4 "SELECT count(*) FROM audit_log")
	assert_eq 1003 "$n" "1000 transfers, the schema, the case and the item"
	assert_eq "1003 1 1003" "$(pg_sql ledger4 "SELECT count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq) FROM audit_log")" \
		"one sequence without gaps"
	assert_exit 0 "$VERIFY" audit --db "$uri"
	assert_eq "verify: audit chain of postgresql://st1@$FX_PG_HOST/ledger4 is intact: 1003 events, 0 signed, head $(pg_sql ledger4 "SELECT hash FROM audit_log WHERE seq = 1003")" \
		"$(head -n1 "$FX_OUT")" "the chain of 4 concurrent stations is intact"
}

# psql_err URI SQL: psql's error line for SQL (it must fail).
psql_err() {
	if psql -X -q -At "$1" -c "$2" >"$FX_OUT" 2>"$FX_ERR"; then
		fail "psql accepted: $2"
	fi
	head -n1 "$FX_ERR"
}

test_privileges() {
	local st su t
	st=$(pg_uri st1 lab pw1)
	su=$(pg_uri postgres lab)
	for t in audit_log custody_events; do
		assert_eq "ERROR:  permission denied for table $t" \
			"$(psql_err "$st" "UPDATE $t SET actor = actor")" "station UPDATE of $t"
		assert_eq "ERROR:  permission denied for table $t" \
			"$(psql_err "$st" "DELETE FROM $t")" "station DELETE of $t"
		assert_eq "ERROR:  permission denied for table $t" \
			"$(psql_err "$st" "TRUNCATE $t CASCADE")" "station TRUNCATE of $t"
	done
	assert_eq "ERROR:  permission denied for table acquisitions" \
		"$(psql_err "$st" "UPDATE acquisitions SET tool = 'x'")" "station UPDATE of a recorded column"
	assert_eq "ERROR:  permission denied for table acquisitions" \
		"$(psql_err "$st" "UPDATE acquisitions SET status = 'failed', optical = 1")" "optical is recorded at the start, not by the finish"
	assert_eq "ERROR:  acquisitions: only a running acquisition can be finished, once" \
		"$(psql_err "$st" "UPDATE acquisitions SET status = 'failed'")" "a finished acquisition stays finished"
	# a type of the station's own temporary schema does not shadow the
	# one the JSON check uses (the schema's functions pin search_path)
	assert_eq 'ERROR:  new row for relation "acquisitions" violates check constraint "acquisitions_parameters_json_check"' \
		"$(psql_err "$st" "CREATE TYPE pg_temp.json AS (a text); INSERT INTO acquisitions (evidence_id, format, start_utc, owner_host, owner_pid, parameters_json) SELECT min(id), 'raw', 'now', 'h', 1, '(not json)' FROM evidence")" \
		"a station's pg_temp.json does not pass the JSON check"
	assert_eq "0" "$(pg_sql lab "SELECT count(*) FROM pg_catalog.pg_proc WHERE proname LIKE 'fx\_%' AND proconfig IS DISTINCT FROM '{\"search_path=pg_catalog, pg_temp\"}'")" \
		"every function of the schema pins its search_path"
	# an event INSERTed by hand must follow the head: no fork (a prev_hash
	# other than the head's), no gap, no seq that no event could follow
	local n h ev
	n=$(pg_sql lab "SELECT max(seq) FROM audit_log")
	h=$(pg_sql lab "SELECT hash FROM audit_log WHERE seq = $((n - 1))")
	ev="INSERT INTO audit_log (seq, time_utc, actor, host, action, content, prev_hash, hash) VALUES"
	assert_eq "ERROR:  audit_log: event $((n + 1)) does not follow the head (event $n)" \
		"$(psql_err "$st" "$ev ($((n + 1)), 't', 'a', 'h', 'x', '{}', '$h', repeat('0', 64))")" "a fork of the chain"
	assert_eq "ERROR:  audit_log: event 9223372036854775807 does not follow the head (event $n)" \
		"$(psql_err "$st" "$ev (9223372036854775807, 't', 'a', 'h', 'x', '{}', '$h', repeat('0', 64))")" "an event at the last seq"
	assert_eq "$n" "$(pg_sql lab "SELECT max(seq) FROM audit_log")" "no event added by hand"
	assert_eq "ERROR:  audit_log is append-only" \
		"$(psql_err "$su" "UPDATE audit_log SET actor = 'x' WHERE seq = 2")" "the superuser's UPDATE"
	assert_eq "ERROR:  audit_log is append-only" \
		"$(psql_err "$su" "DELETE FROM audit_log WHERE seq = 2")" "the superuser's DELETE"
	assert_eq "ERROR:  audit_log is append-only" \
		"$(psql_err "$su" "TRUNCATE audit_log CASCADE")" "the superuser's TRUNCATE"
	assert_eq "ERROR:  custody_events is append-only" \
		"$(psql_err "$su" "TRUNCATE custody_events CASCADE")" "TRUNCATE of a record table"
}

# tamper NAME SQL: a copy of ledger4 changed by SQL as the superuser with
# the triggers off for the session; prints verify audit's first line.
tamper() {
	pg_sql postgres "CREATE DATABASE $1 TEMPLATE ledger4" >/dev/null
	pg_sql "$1" "SET session_replication_role = replica; $2" >/dev/null
	audit_line "$(pg_uri st1 "$1" pw1)"
}

test_tamper() {
	local pre="verify: audit chain of postgresql://st1@$FX_PG_HOST" head
	head=$(pg_sql ledger4 "SELECT hash FROM audit_log WHERE seq = 1003")
	assert_eq "$pre/t_edit is BROKEN: event 500: hash does not match its content (500 events checked)" \
		"$(tamper t_edit "UPDATE audit_log SET content = replace(content, '\"reason\":\"ledger test\"', '\"reason\":\"ledger tesT\"') WHERE seq = 500")" \
		"an edited event"
	assert_exit 1 "$VERIFY" audit --db "$(pg_uri st1 t_edit pw1)"
	assert_eq "$pre/t_row is BROKEN: event 504: custody.transfer: the records no longer match the event (record 501 changed) (504 events checked)" \
		"$(tamper t_row "UPDATE custody_events SET to_party = 'Mallory' WHERE id = 501")" \
		"an edited record"
	assert_eq "$pre/t_delete is BROKEN: event 501: sequence gap, expected 500 (500 events checked)" \
		"$(tamper t_delete "DELETE FROM audit_log WHERE seq = 500")" "a deleted event"
	assert_eq "$pre/t_reorder is BROKEN: event 500: prev_hash does not match event 499 (500 events checked)" \
		"$(tamper t_reorder "UPDATE audit_log SET seq = -1 WHERE seq = 500; UPDATE audit_log SET seq = 500 WHERE seq = 501; UPDATE audit_log SET seq = 501 WHERE seq = -1")" \
		"two events swapped"
	assert_eq "$pre/t_tail is BROKEN: table custody_events has 1000 rows; the audit log accounts for 990 (993 events checked)" \
		"$(tamper t_tail "DELETE FROM audit_log WHERE seq > 993")" "the tail's events deleted"
	# the tail with its rows: consistent in itself, found by the head kept
	# elsewhere (an anchor, a log, a report): the head moved back
	assert_eq "$pre/t_tail_rows is intact: 993 events, 0 signed, head $(pg_sql ledger4 "SELECT hash FROM audit_log WHERE seq = 993")" \
		"$(tamper t_tail_rows "DELETE FROM audit_log WHERE seq > 993; DELETE FROM custody_events WHERE id > 990")" \
		"the tail with its rows: the head is no longer $head"
	assert_eq "$pre/t_disabled is BROKEN: append-only trigger audit_log_no_update is disabled (1003 events checked)" \
		"$(tamper t_disabled "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")" "a trigger disabled"
	assert_eq "$pre/t_dropped is BROKEN: append-only trigger custody_events_no_truncate is missing (1003 events checked)" \
		"$(tamper t_dropped "DROP TRIGGER custody_events_no_truncate ON custody_events")" "a trigger dropped"
	assert_exit 4 "$FX_ACQUIRE" -q -f raw --case PG-1 --evidence EV-9 \
		--db "$(pg_uri st1 t_dropped pw1)" "$(sample_disk)" "$FX_WORK/tampered"
	assert_eq "acquire: case database: postgresql://st1@$FX_PG_HOST/t_dropped: append-only trigger custody_events_no_truncate is missing; refusing to write to a case database whose records are no longer protected (check its audit chain)" \
		"$(stderr_of_last)" "no write into a ledger without its triggers"
	assert_missing "$FX_WORK/tampered.raw" "no image written"
}

# bad_db NAME URI LINE: acquire refuses URI before writing (exit 4, LINE),
# and so does verify audit.
bad_db() {
	assert_exit 4 "$FX_ACQUIRE" -q -f raw --case PG-1 --evidence "EV-$1" --db "$2" \
		"$(sample_disk)" "$FX_WORK/bad-$1"
	assert_eq "acquire: case database: $3" "$(stderr_of_last)" "acquire, $1"
	assert_eq "" "$(cd "$FX_WORK" && ls -d "bad-$1"* 2>/dev/null)" "$1: no image file written"
	assert_exit 4 "$VERIFY" audit --db "$2"
	assert_eq "verify: case database: $3" "$(stderr_of_last)" "verify audit, $1"
}

test_bad_input() {
	local h=$FX_PG_HOST sock="/${FX_PG_DIR#/}/.s.PGSQL.5432"
	pg_sql lab "CREATE ROLE outsider LOGIN PASSWORD 'pw3'" >/dev/null
	pg_sql postgres "CREATE DATABASE empty" >/dev/null
	pg_sql postgres "CREATE DATABASE newer TEMPLATE lab" >/dev/null
	pg_sql newer "UPDATE meta SET value = '6' WHERE key = 'schema_version'" >/dev/null
	bad_db unreachable "postgresql://st1:pw1@%2Fnonexistent/lab" \
		"case database postgresql://st1@%2Fnonexistent/lab: cannot connect: connection to server on socket \"/nonexistent/.s.PGSQL.5432\" failed: No such file or directory"
	bad_db password "$(pg_uri st1 lab wrong)" \
		"case database postgresql://st1@$h/lab: cannot connect: connection to server on socket \"$sock\" failed: FATAL:  password authentication failed for user \"st1\""
	bad_db privileges "$(pg_uri outsider lab pw3)" \
		"case database postgresql://outsider@$h/lab: read the schema: permission denied for table meta"
	bad_db noschema "$(pg_uri st1 empty pw1)" \
		"case database postgresql://st1@$h/empty has no case-database schema (an empty database: its administrator sets it up with verify ledger init)"
	bad_db newer "$(pg_uri st1 newer pw1)" \
		"case database postgresql://st1@$h/newer has schema version 6, newer than this libforensic $("$FX_ACQUIRE" --version | head -n1 | cut -d' ' -f2) understands (5)"
	bad_db nodb "$(pg_uri st1 nosuchdb pw1)" \
		"case database postgresql://st1@$h/nosuchdb: cannot connect: connection to server on socket \"$sock\" failed: FATAL:  database \"nosuchdb\" does not exist"
	assert_not_contains "$(cat "$FX_WORK"/.stderr)" "wrong" "no password in any message"
}

# The acquisition's connection is cut while the image is read (its backend
# terminated, the server up): the next transaction connects again, so the
# result is recorded and the chain stays intact.
test_reconnect() {
	local src pid rc=0 uri
	src=$(sample_disk)
	uri=$(pg_uri st2 lab pw2)
	mkfifo "$FX_WORK/fifo2"
	(head -c 32M "$src"; sleep 3; tail -c +$((32 * 1048576 + 1)) "$src") >"$FX_WORK/fifo2" &
	defer kill $!
	"$FX_ACQUIRE" -q -f raw --size 64M --case PG-1 --evidence EV-cut --db "$uri" \
		- "$FX_WORK/cut" <"$FX_WORK/fifo2" >"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	sleep 1.5
	assert_eq "t" "$(pg_sql lab "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'st2'")" \
		"the acquisition's connection is cut while it reads"
	wait "$pid" || rc=$?
	assert_eq 0 "$rc" "acquire completes: $(stderr_of_last)"
	assert_eq "completed|67108864|$(sha256_of "$src")" \
		"$(pg_sql lab "SELECT a.status || '|' || a.bytes_acquired || '|' || h.value FROM acquisitions a JOIN evidence e ON e.id = a.evidence_id JOIN hashes h ON h.acquisition_id = a.id WHERE e.evidence_number = 'EV-cut' AND h.algorithm = 'sha256'")" \
		"the ledger holds the finished record"
	assert_exit 0 "$VERIFY" audit --db "$uri"
	assert_contains "$(head -n1 "$FX_OUT")" "is intact:" "the chain is intact"
}

# The server goes away while the image is being read (a stream paused
# halfway): the image is complete and verified on disk, its .sha256 and log
# hold the hashes, acquire says the ledger could not record the result.
test_lost_connection() {
	local src pid rc=0
	src=$(sample_disk)
	mkfifo "$FX_WORK/fifo"
	(head -c 32M "$src"; sleep 2; tail -c +$((32 * 1048576 + 1)) "$src") >"$FX_WORK/fifo" &
	defer kill $!
	"$FX_ACQUIRE" -q -f raw --size 64M --case PG-1 --evidence EV-lost \
		--db "$(pg_uri st1 lab pw1)" - "$FX_WORK/lost" <"$FX_WORK/fifo" \
		>"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	sleep 1
	pg_as_owner "$FX_PG_BIN/pg_ctl" -D "$FX_PG_DIR/data" -m immediate -w stop >/dev/null
	wait "$pid" || rc=$?
	assert_eq 4 "$rc" "acquire exits 4 when the ledger is lost"
	assert_contains "$(stderr_of_last)" "acquire: failed: the case database postgresql://st1@$FX_PG_HOST/lab could not record the result (67108864 of 67108864 bytes acquired; log $FX_WORK/lost.log)" \
		"the failure names the ledger and the log"
	assert_eq "$(sha256_of "$src")  lost.raw" "$(cat "$FX_WORK/lost.sha256")" "the image is complete"
	assert_file_line "$FX_WORK/lost.log" "  SHA-256: $(sha256_of "$src")" "the log holds the hashes"
	assert_file_line "$FX_WORK/lost.log" "Status:                 failed" "the log says the record failed"
}

# Two stations, each with its own Ed25519 key, on a fresh ledger; the head
# time-stamped by a local TSA; verify audit checks both signatures and the
# token read back from the ledger.
test_signed_anchored() {
	local uri src h n sha
	uri=$(pg_uri st1 signed pw1)
	src=$(sample_disk)
	pg_sql postgres "CREATE DATABASE signed" >/dev/null
	"$VERIFY" -q ledger init --db "$(pg_uri postgres signed)" || fail "init signed"
	openssl genpkey -algorithm ed25519 -out "$FX_WORK/k1.pem" 2>/dev/null
	openssl genpkey -algorithm ed25519 -out "$FX_WORK/k2.pem" 2>/dev/null
	openssl pkey -in "$FX_WORK/k1.pem" -pubout -out "$FX_WORK/k1.pub.pem"
	openssl pkey -in "$FX_WORK/k2.pem" -pubout -out "$FX_WORK/k2.pub.pem"
	tsa_make "$FX_WORK/lab" "Ledger Test"
	tsa_start "$FX_WORK/lab"
	assert_exit 0 "$FX_ACQUIRE" -q --json -f raw --case PG-2 --evidence EV-S --station bench-1 \
		--sign-key "$FX_WORK/k1.pem" --tsa "$TSA_URL" --tsa-ca "$FX_WORK/lab/ca.pem" \
		--db "$uri" "$src" "$FX_WORK/signed"
	assert_eq "stamped" "$(json_get "$FX_OUT" .anchor.status)" "the acquisition's head is time-stamped"
	sha=$(json_get "$FX_OUT" .anchor.token_sha256)
	assert_eq "$sha" "$(pg_sql signed "SELECT encode(sha256(token), 'hex') FROM anchors")" \
		"the token is stored whole (bytea)"
	assert_exit 0 "$VERIFY" handoff EV-S --case PG-2 --to Lab2 --reason transfer \
		--station desk-2 --sign-key "$FX_WORK/k2.pem" --db "$uri"
	assert_exit 2 "$VERIFY" handoff EV-S --case PG-2 --to Lab3 --reason transfer --db "$uri"
	assert_contains "$(stderr_of_last)" "its audit log is signed" "an unsigned writer is refused"
	n=$(pg_sql signed "SELECT count(*) FROM audit_log")
	h=$(pg_sql signed "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
	assert_exit 0 "$VERIFY" audit --db "$uri" --trusted-key "$FX_WORK/k1.pub.pem" \
		--trusted-key "$FX_WORK/k2.pub.pem" --tsa-ca "$FX_WORK/lab/ca.pem"
	assert_eq "verify: audit chain of postgresql://st1@$FX_PG_HOST/signed is intact: $n events, $((n - 1)) signed, head $h" \
		"$(head -n1 "$FX_OUT")" "two stations' signatures check"
	assert_contains "$(cat "$FX_OUT" "$FX_ERR")" "verify: anchor 1 of event " "the anchor is listed"
	assert_contains "$(cat "$FX_OUT" "$FX_ERR")" " verified: time-stamped by $TSA_URL at " "the anchor verifies"
	assert_eq 2 "$(pg_sql signed "SELECT count(*) FROM signing_keys")" "each station's key registered"
}

main() {
	fx_begin
	VERIFY=$FX_BIN/verify
	FX_TESTS_BIN=${FX_TESTS_BIN:-$FX_BIN/../tests}
	[[ -x $FX_TESTS_BIN/fx_ledger_append ]] || fail "fx_ledger_append not built: $FX_TESTS_BIN"
	pg_start
	test_init
	test_acquire_verify
	test_concurrent
	test_privileges
	test_tamper
	test_bad_input
	test_signed_anchored
	test_reconnect
	test_lost_connection
	fx_pass
}
main "$@"
