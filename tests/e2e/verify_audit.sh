#!/usr/bin/env bash
# End to end: verify audit, list and report on a case database written by
# acquire and verify; then the database tampered with by the sqlite3 tool:
# the check names the first bad event and why, agreeing with the reference
# checker printed in docs/casedb.md (for what that checker covers). Also
# signatures (a key made with openssl), --json, and the refusals of report.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify

# tampered NAME SQL: a copy of the database changed behind libforensic.
tampered() {
	local db=$FX_WORK/$1.db
	cp "$FX_WORK/lab/case.db" "$db"
	sqlite3 "$db" "$2"
	printf '%s\n' "$db"
}

# audit_broken DB REASON: verify audit exits 1 naming REASON; the
# reference checker agrees when given (third argument "ref").
audit_broken() {
	local py
	assert_exit 1 "$FX_VERIFY" audit --db "$1"
	assert_eq "verify: audit chain of $1 is BROKEN: $2" "$(stdout_of_last | sed 's/ ([0-9]* events checked)$//')" \
		"audit names the first bad event"
	if [[ ${3:-} == ref ]]; then
		py=$(python3 "$FX_WORK/verify.py" "$1" || true)
		assert_eq "$2" "$py" "the reference checker agrees"
	fi
}

test_audit() {
	local db=$FX_WORK/lab/case.db events head t json
	events=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	head=$(sqlite3 "$db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
	assert_exit 0 "$FX_VERIFY" audit --db "$db"
	assert_eq "verify: audit chain of $db is intact: $events events, 0 signed, head $head" \
		"$(stdout_of_last)" "intact chain"
	assert_eq "intact: $events events, 0 signed, head $head" "$(python3 "$FX_WORK/verify.py" "$db")" "reference checker: intact"
	assert_exit 0 "$FX_VERIFY" --json audit --db "$db"
	json=$FX_WORK/audit.json
	cp "$FX_OUT" "$json"
	assert_eq intact "$(json_get "$json" .status)" "--json status"
	assert_eq "$events" "$(json_get "$json" .events)" "--json events"
	assert_eq "$head" "$(json_get "$json" .head_hash)" "--json head"

	t=$(tampered content "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET content = replace(content, '\"CASE-1\"', '\"CASE-9\"') WHERE seq = 2")
	audit_broken "$t" "event 2: hash does not match its content" ref
	t=$(tampered deleted "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4")
	audit_broken "$t" "event 5: sequence gap, expected 4" ref
	# a verification's result rewritten in its table: the event still says verified
	t=$(tampered record "DROP TRIGGER verifications_no_update; UPDATE verifications SET result = 'verified' WHERE result = 'mismatch'")
	assert_exit 1 "$FX_VERIFY" audit --db "$t"
	assert_contains "$(stdout_of_last)" "verification.record: the records no longer match the event" "rewritten verification found"
	# a verification deleted: the table has fewer rows than the log accounts for
	t=$(tampered gone "DROP TRIGGER verifications_no_delete; DROP TRIGGER hashes_no_delete; DELETE FROM hashes WHERE verification_id = 1; DELETE FROM verifications WHERE id = 1")
	assert_exit 1 "$FX_VERIFY" audit --db "$t"
	assert_contains "$(stdout_of_last)" "BROKEN: event " "deleted verification found"
	assert_exit 1 "$FX_VERIFY" --json audit --db "$t"
	cp "$FX_OUT" "$json"
	assert_eq broken "$(json_get "$json" .status)" "--json: broken"
	assert_ne 0 "$(json_get "$json" .first_bad_seq)" "--json: first bad event"
	# not a database at all
	echo "hello" >"$FX_WORK/text.db"
	assert_exit 4 "$FX_VERIFY" audit --db "$FX_WORK/text.db"
	assert_contains "$(stderr_of_last)" "is not a case database" "audit of a text file"
	assert_exit 4 "$FX_VERIFY" audit --db "$FX_WORK/nothing.db"
	assert_missing "$FX_WORK/nothing.db" "audit creates no database"
}

test_signed() {
	local dir=$FX_WORK/signed src=$1 db rec
	mkdir "$dir"
	openssl genpkey -algorithm ed25519 -out "$FX_WORK/key.pem" 2>/dev/null
	openssl pkey -in "$FX_WORK/key.pem" -pubout -out "$FX_WORK/key.pub.pem" 2>/dev/null
	openssl genpkey -algorithm ed25519 -out "$FX_WORK/other.pem" 2>/dev/null
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --sign-key "$FX_WORK/key.pem" --case S --evidence S1 "$src" "$dir/s"
	assert_exit 0 "$FX_VERIFY" -q --sign-key "$FX_WORK/key.pem" "$dir/s.raw"
	db=$dir/case.db
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem" --require-signed
	assert_contains "$(stdout_of_last)" "intact: $(sqlite3 "$db" "SELECT count(*) FROM audit_log") events, $(sqlite3 "$db" "SELECT count(*) FROM audit_log") signed" \
		"every event signed and checked"
	assert_exit 1 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/other.pem"
	assert_contains "$(stdout_of_last)" "not the trusted key" "signed by another key than the trusted one"
	rec=$(sqlite3 "$db" "SELECT public_key FROM signing_keys")
	cp "$db" "$FX_WORK/sig.db"
	sqlite3 "$FX_WORK/sig.db" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET signature = replace(signature, substr(signature, 1, 1), CASE substr(signature, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) WHERE seq = 3"
	audit_broken "$FX_WORK/sig.db" "event 3: signature does not verify with key ${rec:0:16}..." ref
}

test_list_and_report() {
	local db=$FX_WORK/lab/case.db json=$FX_WORK/list.json
	assert_exit 0 "$FX_VERIFY" list --db "$db"
	assert_contains "$(stdout_of_last)" "case CASE-1" "list: the case"
	assert_contains "$(stdout_of_last)" "  evidence DISK-7 (id 1)" "list: the evidence"
	assert_contains "$(stdout_of_last)" "    acquisition 1: raw, completed," "list: the acquisition"
	assert_contains "$(stdout_of_last)" "      last verification: mismatch at " "list: the last verification"
	assert_exit 0 "$FX_VERIFY" --json list --db "$db"
	cp "$FX_OUT" "$json"
	assert_eq CASE-1 "$(json_get "$json" '.cases[0].case_number')" "list --json: case"
	assert_eq DISK-7 "$(json_get "$json" '.cases[0].evidence[0].evidence_number')" "list --json: evidence"
	assert_eq "$(md5_of "$(sample_disk)")" "$(json_get "$json" '.cases[0].evidence[0].acquisitions[0].hashes.md5')" "list --json: MD5"
	assert_eq mismatch "$(json_get "$json" '.cases[0].evidence[0].acquisitions[0].last_verification.result')" "list --json: last verification"
	assert_eq "$(sqlite3 "$db" "SELECT max(id) FROM verifications")" \
		"$(json_get "$json" '.cases[0].evidence[0].acquisitions[0].last_verification.id')" "list --json: the latest one"
	assert_exit 2 "$FX_VERIFY" list --db "$db" --case NOPE
	assert_contains "$(stderr_of_last)" "list: no case NOPE in $db" "list: unknown case"

	if "$FX_VERIFY" report --db "$db" --case CASE-1 --format text >/dev/null 2>"$FX_WORK/r.err" ||
		! grep -q "not available in this build" "$FX_WORK/r.err"; then
		assert_exit 0 "$FX_VERIFY" report --db "$db" --case CASE-1 --format text -o "$FX_WORK/report.txt"
		assert_contains "$(cat "$FX_WORK/report.txt")" "DISK-7" "report names the evidence"
		assert_exit 2 "$FX_VERIFY" report --db "$db" --case CASE-1 --format text -o "$FX_WORK/report.txt"
		assert_contains "$(stderr_of_last)" "report: refusing to overwrite existing file $FX_WORK/report.txt" "report -o refuses to overwrite"
		assert_exit 2 "$FX_VERIFY" report --db "$db" --case CASE-1 --format pdf
		assert_exit 2 "$FX_VERIFY" report --db "$db" --format text
		assert_contains "$(stderr_of_last)" "give --case ID or --evidence ID" "report: what to report"
		assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence DISK-7 --format json
		assert_eq "" "$(json_flatten <"$FX_OUT" >/dev/null && echo)" "report --format json is JSON"
	else
		skip_part "report: not available in this build"
	fi
}

main() {
	need_tool sqlite3 python3 openssl
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local src dir=$FX_WORK/lab
	src=$(sample_disk)
	sed -n '/<!-- verify.py begin -->/,/<!-- verify.py end -->/p' "$FX_ROOT/docs/casedb.md" |
		sed '1,2d;$d' | sed '$d' >"$FX_WORK/verify.py"
	grep -q '^def check(path):' "$FX_WORK/verify.py" || fail "reference checker not found in docs/casedb.md"
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-1 --evidence DISK-7 "$src" "$dir/d"
	assert_exit 0 "$FX_VERIFY" -q "$dir/d.raw"
	chmod u+w "$dir/d.raw"
	printf 'X' | dd of="$dir/d.raw" bs=1 seek=1000000 conv=notrunc status=none
	assert_exit 1 "$FX_VERIFY" -q "$dir/d.raw"
	sqlite3 "$dir/case.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	test_audit
	test_list_and_report
	test_signed "$src"
	fx_pass
}

main "$@"
