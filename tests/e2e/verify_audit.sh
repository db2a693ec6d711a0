#!/usr/bin/env bash
# End to end: verify audit, list and report on a case database written by
# acquire and verify; then the database tampered with by the sqlite3 tool:
# the check names the first bad event and why, agreeing with the reference
# checker printed in docs/casedb.md (for what that checker covers). Also
# signatures (a key made with openssl), --json, and the refusals of report;
# the trust checks that are on by default (signatures stripped, unsigned
# events after a key, an unsigned key.register), what is caught only with a
# trusted key (a chain re-signed by a forger, a chain rewritten unsigned)
# and said otherwise, dropped or added triggers (audit exit 1; acquire and
# verify refuse to write, exit 4, nothing written), and report's trust
# options in every format. A chain signed by two examiners, checked with
# both their keys (--trusted-key given twice: a key ring). Databases of the
# previous releases (schema 1 and 2): audited, listed and reported as they
# are, byte for byte unchanged; a signed one is not migrated by a writer
# without its key (nothing written), and is migrated, signed, with it.
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

# audit_broken DB REASON [ref [TRUSTED_KEY.pem...]]: verify audit (with a
# --trusted-key for each key given) exits 1 naming REASON on its first
# line; the reference checker agrees when "ref" is given.
audit_broken() {
	local db=$1 reason=$2 ref=${3:-} key py
	local -a opt=() pyarg=()
	for key in "${@:4}"; do
		opt+=(--trusted-key "$key")
		pyarg+=("$(pub_hex "$key")")
	done
	assert_exit 1 "$FX_VERIFY" audit --db "$db" "${opt[@]}"
	assert_eq "verify: audit chain of $db is BROKEN: $reason" "$(stdout_of_last | head -1 | sed 's/ ([0-9]* events checked)$//')" \
		"audit names the first bad event"
	if [[ $ref == ref ]]; then
		py=$(python3 "$FX_WORK/verify.py" "$db" "${pyarg[@]}" || true)
		assert_eq "$reason" "$py" "the reference checker agrees"
	fi
}

# forged NAME SOURCE_DB STEP...: a copy of SOURCE_DB changed by a forger
# (tests/e2e/lib/forge_chain.py), the triggers put back as they were.
forged() {
	local db=$FX_WORK/$1.db
	cp "$2" "$db"
	shift 2
	python3 "$FX_ROOT/tests/e2e/lib/forge_chain.py" "$db" "$@"
	printf '%s\n' "$db"
}

# downgrade DB VERSION [KEY.pem]: DB (written by this release) turned into
# a database of schema VERSION (1 or 2) as the previous releases wrote it:
# acquisition.start events become acquisition.begin ones without "optical"
# and "source_files", no source_files table (schema 5; DB must have no
# rows in it), acquisition.close ones acquisition.end ones without "allocated_bytes",
# and acquisitions.optical and image_files.allocated_bytes are dropped
# (schema 5), no exports tables (schema 5; DB must have none);
# acquisition.finish events without "error", no acquisitions.error, no
# image sets' tables (schema 4; DB must use none), no anchors table
# (schema 5; DB must have none), and for 1 the verifications table of
# schema 1; the chain re-hashed, and re-signed
# with KEY.pem when given (every event must have been signed with it).
V1_VERIFICATIONS="CREATE TABLE verifications (id INTEGER PRIMARY KEY, evidence_id INTEGER NOT NULL REFERENCES evidence (id), acquisition_id INTEGER REFERENCES acquisitions (id), time_utc TEXT NOT NULL, actor TEXT, host TEXT, tool TEXT, tool_version TEXT, result TEXT NOT NULL CHECK (result IN ('verified', 'mismatch', 'error')), findings TEXT)"
downgrade() {
	local db=$1 version=$2 key=${3:-}
	local -a steps=(
		"unkey=acquisition.start|acquisition.start|source_files"
		"unkey=acquisition.start|acquisition.begin|optical"
		"sql=DROP TABLE source_files"
		"unkey=acquisition.close|acquisition.end|allocated_bytes"
		"sql=ALTER TABLE acquisitions DROP COLUMN optical"
		"sql=ALTER TABLE image_files DROP COLUMN allocated_bytes"
		"sql=DROP TABLE export_files" "sql=DROP TABLE exports"
		"sql=DROP TABLE IF EXISTS anchors"
		"sql=UPDATE audit_log SET action = 'acquisition.finish', content = replace(content, '\"error\":null,', '') WHERE action = 'acquisition.end'"
		"sql=ALTER TABLE acquisitions DROP COLUMN error"
		"sql=DROP TABLE image_set_files" "sql=DROP TABLE image_sets")
	[[ $(sqlite3 "$db" "SELECT count(*) FROM source_files") == 0 ]] ||
		fail "downgrade: $db records source files, which schema $version cannot hold"
	[[ $(sqlite3 "$db" "SELECT count(*) FROM acquisitions WHERE error IS NOT NULL") == 0 ]] ||
		fail "downgrade: $db records an acquisition error, which schema $version cannot hold"
	if [[ $version == 1 ]]; then
		steps+=("sql=CREATE TABLE v_keep AS SELECT * FROM verifications" "sql=DROP TABLE verifications"
			"sql=$V1_VERIFICATIONS" "sql=INSERT INTO verifications SELECT * FROM v_keep" "sql=DROP TABLE v_keep"
			"sql=CREATE INDEX verifications_by_acquisition ON verifications (acquisition_id)")
	fi
	steps+=("sql=PRAGMA user_version = $version" "sql=UPDATE meta SET value = '$version' WHERE key = 'schema_version'" rechain)
	if [[ -n $key ]]; then
		steps+=("sign=$key")
	fi
	python3 "$FX_ROOT/tests/e2e/lib/forge_chain.py" "$db" "${steps[@]}"
}

# The lines verify audit prints after "intact" for each kind of trust.
NOT_CHECKED_END="Events removed from the end of the log cannot be detected from the database alone: compare the head hash and event count with a copy kept elsewhere."
NOT_CHECKED_UNSIGNED="verify: not checked: The chain is unsigned: it shows the log is consistent, not who wrote it; whoever can write the database could rewrite the whole chain, or strip its signatures and re-chain it, and it would still check. $NOT_CHECKED_END"
NOT_CHECKED_RECORDED="verify: not checked: Signatures checked, but no trusted key was given: they were verified with keys recorded in the database itself, so a chain re-signed (or extended) with a forger's own key would pass. $NOT_CHECKED_END"
CHECKED_BASE="verify: checked: every event's sequence, link to the one before, hash and canonical content; the records against their events and the row counts; the append-only triggers against the schema; signatures:"

# pub_hex PEM: the raw Ed25519 public key (of a public or private key
# file) as 64 hex digits.
pub_hex() {
	local -a pubin=()
	grep -q "BEGIN PUBLIC KEY" "$1" && pubin=(-pubin)
	openssl pkey "${pubin[@]}" -in "$1" -pubout -outform DER | tail -c 32 | od -An -tx1 | tr -d ' \n'
}

test_audit() {
	local db=$FX_WORK/lab/case.db events head t json
	events=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	head=$(sqlite3 "$db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
	assert_exit 0 "$FX_VERIFY" audit --db "$db"
	# (this was the only line; an intact chain now also says what was and
	# was not checked, here that the chain is unsigned)
	assert_eq "verify: audit chain of $db is intact: $events events, 0 signed, head $head
$CHECKED_BASE none (no event is signed)
$NOT_CHECKED_UNSIGNED" "$(stdout_of_last)" "intact chain, unsigned, said so"
	assert_eq "intact: $events events, 0 signed, head $head" "$(python3 "$FX_WORK/verify.py" "$db")" "reference checker: intact"
	assert_exit 0 "$FX_VERIFY" --json audit --db "$db"
	json=$FX_WORK/audit.json
	cp "$FX_OUT" "$json"
	assert_eq intact "$(json_get "$json" .status)" "--json status"
	assert_eq "$events" "$(json_get "$json" .events)" "--json events"
	assert_eq "$head" "$(json_get "$json" .head_hash)" "--json head"
	assert_eq unsigned "$(json_get "$json" .trust)" "--json trust"
	assert_eq "${NOT_CHECKED_UNSIGNED#verify: not checked: }" "$(json_get "$json" .not_checked)" "--json not_checked"
	assert_eq null "$(json_get "$json" .triggers)" "--json: triggers as the schema's"

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

# A signed chain, then what a forger can do to it: caught by default,
# caught only with a trusted key (and said so without), or only said.
test_trust() {
	local db=$FX_WORK/signed/case.db t n key rec forger
	key=$FX_WORK/key.pem
	rec=$(pub_hex "$key")
	n=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	assert_exit 0 "$FX_VERIFY" audit --db "$db"
	assert_eq "$CHECKED_BASE $n of $n events signed, every event from event 1 on, each verified with key ${rec:0:16}... as recorded in the database
$NOT_CHECKED_RECORDED" "$(stdout_of_last | tail -n +2)" "signed, no trusted key: said so"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem"
	assert_eq "$CHECKED_BASE $n of $n events signed, every event from event 1 on, each verified with the trusted key ${rec:0:16}...
verify: not checked: $NOT_CHECKED_END" "$(stdout_of_last | tail -n +2)" "signed with the trusted key"

	# every signature stripped, a record and its event changed and the
	# hashes rewritten: found by default (this passed unless
	# --require-signed was given)
	t=$(forged stripped "$db" strip "sql=UPDATE evidence SET notes = 'forged'" \
		"edit=4|\"notes\":null|\"notes\":\"forged\"" rechain)
	audit_broken "$t" "event 1: key.register is not signed (a key registers itself with its own signature)" ref
	# an unsigned event after the key was registered (this passed too)
	t=$(forged unsigned_tail "$db" "strip=$n")
	audit_broken "$t" "event $n: not signed, although a signing key was registered at event 1" ref
	# the chain re-signed whole with the forger's own key: every signature
	# verifies with the key the database records; only the trusted key
	# tells, and without it the output says what was not checked
	forger=$FX_WORK/forger.pem
	openssl genpkey -algorithm ed25519 -out "$forger" 2>/dev/null
	t=$(forged resigned "$db" "sql=UPDATE evidence SET notes = 'forged'" "edit=4|\"notes\":null|\"notes\":\"forged\"" \
		"rekey=$forger" rechain "sign=$forger")
	assert_exit 0 "$FX_VERIFY" audit --db "$t"
	assert_eq "$NOT_CHECKED_RECORDED" "$(stdout_of_last | tail -1)" "re-signed by a forger, no trusted key: the limit is stated"
	assert_contains "$(stdout_of_last)" "each verified with key $(pub_hex "$forger" | head -c 16)... as recorded in the database" \
		"the key that signed is named"
	audit_broken "$t" "event 1: signed with key $(pub_hex "$forger" | head -c 16)..., not the trusted key ${rec:0:16}..." ref "$FX_WORK/key.pub.pem"
	# the chain rewritten whole without signatures or keys: nothing in the
	# database gives it away; the output says so, a trusted key or
	# --require-signed refuses it
	t=$(forged unsigned_whole "$db" strip unregister "sql=UPDATE evidence SET notes = 'forged'" \
		"edit=3|\"notes\":null|\"notes\":\"forged\"" rechain)
	assert_exit 0 "$FX_VERIFY" audit --db "$t"
	assert_eq "$NOT_CHECKED_UNSIGNED" "$(stdout_of_last | tail -1)" "rewritten unsigned: the limit is stated"
	audit_broken "$t" "the chain is unsigned, but a trusted key was given (${rec:0:16}...)" ref "$FX_WORK/key.pub.pem"
	assert_exit 1 "$FX_VERIFY" audit --db "$t" --require-signed
	assert_eq "verify: audit chain of $t is BROKEN: event 1: not signed (1 events checked)" "$(stdout_of_last)" "--require-signed"
}

# A chain unsigned at first, then signed by a key that registers itself.
test_key_register() {
	local dir=$FX_WORK/later db n reg
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case L --evidence L1 "$FX_WORK/small.img" "$dir/l"
	assert_exit 0 "$FX_VERIFY" -q --sign-key "$FX_WORK/key.pem" "$dir/l.raw"
	db=$dir/case.db
	sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	n=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	reg=$(sqlite3 "$db" "SELECT seq FROM audit_log WHERE action = 'key.register'")
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem"
	assert_contains "$(stdout_of_last)" "signatures: $((n - reg + 1)) of $n events signed, every event from event $reg on (events 1 to $((reg - 1)), written before, are covered through the chain), each verified with the trusted key" \
		"unsigned events before the key are covered by its signatures"
	t=$(forged unsigned_register "$db" "strip=$reg")
	audit_broken "$t" "event $reg: key.register is not signed (a key registers itself with its own signature)" ref
	# a writer without the key is refused: its events would break the chain
	assert_exit 4 "$FX_ACQUIRE" -q --format raw --case L --evidence L2 "$FX_WORK/small.img" "$dir/m"
	assert_eq "acquire: case database: $dir/case.db: its audit log is signed (key $(pub_hex "$FX_WORK/key.pem" | head -c 16)...), so every later event must be signed too; open it with a signing key" \
		"$(stderr_of_last)" "acquire without the key: refused"
	assert_eq "$n" "$(sqlite3 "$db" "SELECT count(*) FROM audit_log")" "nothing recorded"
	assert_missing "$dir/m.raw" "no image"
	assert_missing "$dir/m.log" "no log"
}

# Triggers dropped, altered or added: a finding, and no writer goes on.
test_triggers() {
	local src=$FX_WORK/small.img dir=$FX_WORK/trig db before n
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case T --evidence T1 "$src" "$dir/t"
	db=$dir/case.db
	sqlite3 "$db" "DROP TRIGGER audit_log_no_update; PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	n=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	assert_exit 1 "$FX_VERIFY" audit --db "$db"
	assert_eq "verify: audit chain of $db is BROKEN: append-only trigger audit_log_no_update is missing ($n events checked)" \
		"$(stdout_of_last)" "dropped trigger: audit names it (this was reported intact)"
	assert_exit 1 "$FX_VERIFY" --json audit --db "$db"
	assert_eq "append-only trigger audit_log_no_update is missing" "$(json_get "$FX_OUT" .triggers)" "--json: triggers"
	before=$(sha256_of "$db")
	assert_exit 4 "$FX_ACQUIRE" -q --format raw --case T --evidence T2 "$src" "$dir/u"
	assert_eq "acquire: case database: $db: append-only trigger audit_log_no_update is missing; refusing to write to a case database whose records are no longer protected (check its audit chain)" \
		"$(stderr_of_last)" "acquire refuses, naming the trigger (it wrote into it)"
	assert_eq "$before" "$(sha256_of "$db")" "the database is unchanged"
	assert_eq "$n" "$(sqlite3 "$db" "SELECT count(*) FROM audit_log")" "no event added"
	assert_eq "case.db t.log t.raw t.sha256" "$(cd "$dir" && find . -maxdepth 1 -type f ! -name 'case.db-*' -printf '%f\n' | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')" \
		"acquire wrote no file"
	assert_exit 4 "$FX_VERIFY" -q "$dir/t.raw"
	assert_contains "$(stderr_of_last)" "verify: case database: $db: append-only trigger audit_log_no_update is missing; refusing to write" \
		"verify refuses to record into it"
	assert_eq "$n" "$(sqlite3 "$db" "SELECT count(*) FROM audit_log")" "verify added no event"
	# altered (the same name, another body) and added triggers
	cp "$FX_WORK/lab/case.db" "$dir/alt.db"
	sqlite3 "$dir/alt.db" "DROP TRIGGER hashes_no_delete; CREATE TRIGGER hashes_no_delete BEFORE DELETE ON hashes BEGIN SELECT 1; END"
	audit_broken "$dir/alt.db" "append-only trigger hashes_no_delete differs from the schema's definition"
	cp "$FX_WORK/lab/case.db" "$dir/add.db"
	sqlite3 "$dir/add.db" "CREATE TRIGGER drop_hashes BEFORE INSERT ON hashes BEGIN SELECT RAISE(IGNORE); END"
	audit_broken "$dir/add.db" "trigger drop_hashes is not part of the schema"
	assert_exit 4 "$FX_VERIFY" handoff DISK-7 --db "$dir/add.db" --to X --reason test
	assert_eq "$(sqlite3 "$FX_WORK/lab/case.db" "SELECT count(*) FROM audit_log")" "$(sqlite3 "$dir/add.db" "SELECT count(*) FROM audit_log")" \
		"handoff recorded nothing"
	# a chain broken and a trigger dropped: both are named
	t=$(tampered both "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'x' WHERE seq = 2")
	assert_exit 1 "$FX_VERIFY" audit --db "$t"
	assert_eq "verify: audit chain of $t is BROKEN: event 2: hash does not match its content (2 events checked)
verify: also found: append-only trigger audit_log_no_update is missing" "$(stdout_of_last)" "both findings"
}

# verify report checks the chain as verify audit does, and says what it
# did not check, in every format.
test_report_trust() {
	local db=$FX_WORK/signed/case.db out=$FX_WORK/rt rec not_rec markup
	mkdir "$out"
	rec=$(pub_hex "$FX_WORK/key.pem")
	not_rec=${NOT_CHECKED_RECORDED#verify: not checked: }
	markup=$(printf '%s' "$not_rec" | sed "s/'/\&#39;/g")
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence S1 --format text -o "$out/r.txt"
	assert_contains "$(tr '\n' ' ' <"$out/r.txt" | tr -s ' ')" "What the audit check cannot show: $not_rec" "text: first page says what was not checked"
	assert_contains "$(cat "$out/r.txt")" "  Result:               intact (recorded_keys)" "text: trust"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence S1 --format html -o "$out/r.html"
	assert_contains "$(cat "$out/r.html")" "<tr><th>Not checked</th><td>$markup</td></tr>" "HTML: not checked"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence S1 --format json -o "$out/r.json"
	assert_eq recorded_keys "$(json_get "$out/r.json" .audit.trust)" "JSON: trust"
	assert_eq "$not_rec" "$(json_get "$out/r.json" .audit.not_checked)" "JSON: not checked"
	assert_eq null "$(json_get "$out/r.json" .audit.trusted_key)" "JSON: no trusted key"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence S1 --format dfxml -o "$out/r.xml"
	assert_contains "$(cat "$out/r.xml")" "<fx:trust>recorded_keys</fx:trust>" "DFXML: trust"
	assert_contains "$(cat "$out/r.xml")" "<fx:not_checked>$markup</fx:not_checked>" "DFXML: not checked"
	# with the trusted key and signatures required
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence S1 --format json --trusted-key "$FX_WORK/key.pub.pem" --require-signed -o "$out/t.json"
	assert_eq trusted_key "$(json_get "$out/t.json" .audit.trust)" "JSON: checked with the trusted key"
	assert_eq "$rec" "$(json_get "$out/t.json" .audit.trusted_key)" "JSON: the trusted key"
	assert_eq "$NOT_CHECKED_END" "$(json_get "$out/t.json" .audit.not_checked)" "JSON: only truncation is left unchecked"
	# the wrong trusted key: the report says the chain did not check out
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence S1 --format text --trusted-key "$FX_WORK/other.pem" -o "$out/o.txt"
	assert_contains "$(tr '\n' ' ' <"$out/o.txt" | tr -s ' ')" "! The audit chain did NOT check out at " "text: not the trusted key, first page"
	assert_contains "$(tr '\n' ' ' <"$out/o.txt" | tr -s ' ')" "event 1: signed with key ${rec:0:16}..., not the trusted key $(pub_hex "$FX_WORK/other.pem" | head -c 16)..." \
		"text: which event and why"
	# an unreadable trusted key is a usage error and leaves no report
	assert_exit 2 "$FX_VERIFY" report --db "$db" --evidence S1 --format text --trusted-key "$FX_WORK/nope.pem" -o "$out/n.txt"
	assert_eq "verify: report: trusted Ed25519 key $FX_WORK/nope.pem: No such file or directory" "$(stderr_of_last)" "report: missing trusted key"
	assert_missing "$out/n.txt" "no report written"
	# an unsigned chain: said in the JSON report
	assert_exit 0 "$FX_VERIFY" report --db "$FX_WORK/lab/case.db" --evidence DISK-7 --format json --require-signed -o "$out/u.json"
	assert_eq broken "$(json_get "$out/u.json" .audit.result)" "--require-signed on an unsigned chain"
	assert_eq "event 1: not signed" "$(json_get "$out/u.json" .audit.reason)" "report: why"
}

# SIGINT during the check of a large database: exit 130, no verdict (the
# check used to run to its end whatever the signal).
test_interrupt() {
	local db=$FX_WORK/big.db pid rc=0 i bulk=${FX_TESTS_BIN:-$FX_BIN/../tests}/fx_casedb_bulk
	[[ -x $bulk ]] || fail "fx_casedb_bulk not built: $bulk"
	"$bulk" "$db" 131072 >/dev/null
	"$FX_VERIFY" audit --db "$db" >"$FX_WORK/int.out" 2>"$FX_WORK/int.err" &
	pid=$!
	wait_signal_caught "$pid" 2
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_eq 130 "$rc" "verify audit interrupted: exit 130"
	assert_eq "" "$(cat "$FX_WORK/int.out")" "no verdict printed"
	rm -f "$db" "$db-wal" "$db-shm"
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

# Two examiners sign one custody chain: the acquisition with key.pem, the
# verification and the handoff with key2.pem (which registers itself).
# Both keys trusted: intact (with one key trusted this was BROKEN whichever
# key was given, since --trusted-key took one key); one key: the other's
# first event and key are named; a forger's key beside one examiner's, or a
# chain re-signed by the forger, still fails. Report alike.
test_two_examiners() {
	local dir=$FX_WORK/two db a b f n reg head out=$FX_WORK/two-report
	mkdir "$dir" "$out"
	openssl genpkey -algorithm ed25519 -out "$FX_WORK/key2.pem" 2>/dev/null
	openssl pkey -in "$FX_WORK/key2.pem" -pubout -out "$FX_WORK/key2.pub.pem" 2>/dev/null
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --sign-key "$FX_WORK/key.pem" --case X --evidence X1 "$FX_WORK/small.img" "$dir/x"
	assert_exit 0 "$FX_VERIFY" -q --sign-key "$FX_WORK/key2.pem" "$dir/x.raw"
	assert_exit 0 "$FX_VERIFY" -q handoff X1 --db "$dir/case.db" --sign-key "$FX_WORK/key2.pem" --to "Det. Smith" --reason court
	db=$dir/case.db
	sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	a=$(pub_hex "$FX_WORK/key.pem")
	b=$(pub_hex "$FX_WORK/key2.pem")
	f=$(pub_hex "$FX_WORK/forger.pem")
	n=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	reg=$(sqlite3 "$db" "SELECT seq FROM audit_log WHERE action = 'key.register' AND key_id = 2")
	head=$(sqlite3 "$db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem" --trusted-key "$FX_WORK/key2.pub.pem" --require-signed
	assert_eq "verify: audit chain of $db is intact: $n events, $n signed, head $head
$CHECKED_BASE $n of $n events signed, every event from event 1 on, each verified with one of the trusted keys given (2 different keys signed)
verify: not checked: $NOT_CHECKED_END" "$(stdout_of_last)" "two examiners, both keys trusted: intact"
	assert_eq "intact: $n events, $n signed, head $head" "$(python3 "$FX_WORK/verify.py" "$db" "$a" "$b")" "reference checker, both keys: intact"
	audit_broken "$db" "event $reg: signed with key ${b:0:16}..., not the trusted key ${a:0:16}..." ref "$FX_WORK/key.pub.pem"
	audit_broken "$db" "event $reg: signed with key ${b:0:16}..., which is none of the 2 trusted keys (${a:0:16}..., ${f:0:16}...)" ref \
		"$FX_WORK/key.pub.pem" "$FX_WORK/forger.pem"
	audit_broken "$FX_WORK/resigned.db" "event 1: signed with key ${f:0:16}..., which is none of the 2 trusted keys (${a:0:16}..., ${b:0:16}...)" ref \
		"$FX_WORK/key.pub.pem" "$FX_WORK/key2.pub.pem"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence X1 --format json --trusted-key "$FX_WORK/key.pub.pem" --trusted-key "$FX_WORK/key2.pub.pem" -o "$out/both.json"
	assert_eq intact "$(json_get "$out/both.json" .audit.result)" "report, both keys: intact"
	assert_eq trusted_key "$(json_get "$out/both.json" .audit.trust)" "report, both keys: every signature a trusted key's"
	assert_eq "${CHECKED_BASE#verify: checked: } $n of $n events signed, every event from event 1 on, each verified with one of the trusted keys given (2 different keys signed)" \
		"$(json_get "$out/both.json" .audit.checked)" "report, both keys: what was checked"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --evidence X1 --format json --trusted-key "$FX_WORK/key.pub.pem" -o "$out/one.json"
	assert_eq broken "$(json_get "$out/one.json" .audit.result)" "report, one key: broken"
	assert_eq "event $reg: signed with key ${b:0:16}..., not the trusted key ${a:0:16}..." "$(json_get "$out/one.json" .audit.reason)" "report, one key: why"
}

# Databases of the previous releases, unsigned (the lab's, as schema 1 and
# 2): verify audit, list and report read them as they are, exit 0, and
# leave them byte for byte as they were (they exited 4: "has schema version
# 1 and must be migrated: open it for writing once").
test_older_versions() {
	local v db before events head json
	for v in 1 2; do
		db=$FX_WORK/older$v.db
		json=$FX_WORK/older$v.json
		cp "$FX_WORK/lab/case.db" "$db"
		downgrade "$db" "$v"
		assert_eq "$v" "$(sqlite3 "$db" "PRAGMA user_version")" "schema $v: made"
		events=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
		head=$(sqlite3 "$db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
		before=$(sha256_of "$db")
		assert_exit 0 "$FX_VERIFY" audit --db "$db"
		assert_eq "verify: audit chain of $db is intact: $events events, 0 signed, head $head" "$(stdout_of_last | head -1)" "schema $v: audit intact"
		assert_eq "intact: $events events, 0 signed, head $head" "$(python3 "$FX_WORK/verify.py" "$db")" "schema $v: reference checker agrees"
		assert_exit 0 "$FX_VERIFY" list --db "$db"
		assert_contains "$(stdout_of_last)" "    acquisition 1: raw, completed," "schema $v: list, the acquisition"
		assert_contains "$(stdout_of_last)" "      last verification: mismatch at " "schema $v: list, the last verification"
		assert_exit 0 "$FX_VERIFY" report --db "$db" --case CASE-1 --format json -o "$json"
		assert_eq intact "$(json_get "$json" .audit.result)" "schema $v: report, audit intact"
		assert_eq "$before" "$(sha256_of "$db")" "schema $v: the database is unchanged"
		assert_eq "$events $v" "$(sqlite3 "$db" "SELECT count(*) FROM audit_log; PRAGMA user_version" | tr '\n' ' ' | sed 's/ $//')" \
			"schema $v: no event added, not migrated"
	done
}

# A signed database of the previous release (schema 2, every event signed
# with key.pem). verify IMAGE without the key is refused before anything is
# written: it used to migrate first, leaving an unsigned schema.migrate
# event that made every later audit BROKEN, and said "recorded: no (no
# acquisition record to attach it to)". With the key: migrated, signed.
# Then a closed case: the summary names why the run was not recorded.
test_signed_older() {
	local dir=$FX_WORK/old db n before rec
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --sign-key "$FX_WORK/key.pem" --case O --evidence O1 "$FX_WORK/small.img" "$dir/o"
	db=$dir/case.db
	downgrade "$db" 2 "$FX_WORK/key.pem"
	rec=$(pub_hex "$FX_WORK/key.pem")
	n=$(sqlite3 "$db" "SELECT count(*) FROM audit_log")
	before=$(sha256_of "$db")
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem" --require-signed
	assert_contains "$(stdout_of_last)" "is intact: $n events, $n signed" "schema 2, signed: intact"
	assert_exit 4 "$FX_VERIFY" "$dir/o.raw"
	assert_eq "verify: case database: $db: its audit log is signed (key ${rec:0:16}...), so every later event must be signed too; open it with a signing key" \
		"$(stderr_of_last)" "no key: refused"
	assert_contains "$(stdout_of_last)" "
  recorded: no (case database $db could not be opened, see above)" "no key: the real reason it was not recorded"
	assert_eq "$before" "$(sha256_of "$db")" "no key: the database is unchanged (not migrated)"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem" --require-signed
	assert_contains "$(stdout_of_last)" "is intact: $n events, $n signed" "no key: the chain is still intact"
	assert_exit 0 "$FX_VERIFY" -q --sign-key "$FX_WORK/key.pem" "$dir/o.raw"
	assert_eq "5 3 3" "$(sqlite3 "$db" "PRAGMA user_version; SELECT count(*), count(key_id) FROM audit_log WHERE action = 'schema.migrate'" | tr '|\n' '  ' | sed 's/ $//')" \
		"with the key: migrated (2 to 3, 3 to 4, 4 to 5), the migrations' events signed"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --trusted-key "$FX_WORK/key.pub.pem" --require-signed
	assert_contains "$(stdout_of_last)" "is intact: $((n + 4)) events, $((n + 4)) signed" "with the key: intact and signed throughout (three migrations, one verification)"
	# a closed case (no write permission): opened read-only, the recording
	# fails, and the summary says so (it said "no acquisition record")
	chmod 0444 "$db"
	assert_exit 4 "$FX_VERIFY" --sign-key "$FX_WORK/key.pem" "$dir/o.raw"
	assert_eq "verify: case database $db is read-only: the verification of $dir/o.raw cannot be recorded
verify: $dir/o.raw: the verification could not be recorded in $db: case database $db: opened read-only" "$(stderr_of_last)" "closed case: why"
	assert_contains "$(stdout_of_last)" "
  recorded: no (recording in $db failed, see above)" "closed case: the real reason it was not recorded"
	chmod 0644 "$db"
}

main() {
	need_tool sqlite3 python3 openssl
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local src dir=$FX_WORK/lab
	src=$(sample_disk)
	sed -n '/<!-- verify.py begin -->/,/<!-- verify.py end -->/p' "$FX_ROOT/docs/casedb.md" |
		sed '1,2d;$d' | sed '$d' >"$FX_WORK/verify.py"
	grep -q '^def check(path' "$FX_WORK/verify.py" || fail "reference checker not found in docs/casedb.md"
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-1 --evidence DISK-7 "$src" "$dir/d"
	assert_exit 0 "$FX_VERIFY" -q "$dir/d.raw"
	chmod u+w "$dir/d.raw"
	printf 'X' | dd of="$dir/d.raw" bs=1 seek=1000000 conv=notrunc status=none
	assert_exit 1 "$FX_VERIFY" -q "$dir/d.raw"
	sqlite3 "$dir/case.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	head -c 1M "$src" >"$FX_WORK/small.img"
	test_audit
	test_list_and_report
	test_signed "$src"
	test_trust
	test_key_register
	test_triggers
	test_report_trust
	test_two_examiners
	test_older_versions
	test_signed_older
	test_interrupt
	fx_pass
}

main "$@"
