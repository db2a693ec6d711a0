#!/usr/bin/env bash
# End to end: RFC 3161 anchors of the audit chain's head (docs/casedb.md,
# "Anchors"), against a local TSA made here: an openssl CA and a TSA
# certificate (extendedKeyUsage critical timeStamping) in a temporary
# directory, behind tests/e2e/lib/tsa_server.py on 127.0.0.1 (openssl ts
# -reply). An anchored acquisition (the token stored, its hash in the log
# and --json, `openssl ts -verify` of the stored token accepts it); verify
# audit with and without --tsa-ca (never "verified" without a CA); verify
# audit --anchor; the tail of the chain cut after an anchor (triggers
# dropped and put back) found and named; forged tokens (another TSA's key,
# another imprint) refused; an unreachable and a refusing TSA: the
# acquisition completes, exit 0, the failed anchor recorded and reported;
# the refusals of the options, before anything is written.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/tsa.sh"

FX_VERIFY=$FX_BIN/verify

# imprint SEQ HASH: the SHA-256 an anchor of that head time-stamps.
imprint() {
	printf 'libforensic-anchor v1 seq=%s hash=%s' "$1" "$2" | sha256sum | cut -d' ' -f1
}

# token DB ID OUT: the stored reply of anchor ID into the file OUT.
token() {
	rm -f "$3"
	sqlite3 "$1" "SELECT writefile('$3', token) FROM anchors WHERE id = $2" >/dev/null
}

hash_of_event() { sqlite3 "$1" "SELECT hash FROM audit_log WHERE seq = $2"; }

# token_time TSR: genTime of a reply as "YYYY-MM-DDTHH:MM:SSZ".
token_time() {
	local t
	t=$(openssl ts -reply -in "$1" -text 2>/dev/null | sed -n 's/^Time stamp: //p')
	date -u -d "$t" +%Y-%m-%dT%H:%M:%SZ
}

src_image() {
	head -c 4194304 /dev/urandom >"$FX_WORK/src.img"
	printf '%s\n' "$FX_WORK/src.img"
}

anchored_acquisition() {
	local url=$1 src=$2 d=$FX_WORK/a h6 tok sha t
	mkdir "$d"
	assert_exit 0 "$FX_ACQUIRE" -q --json -f raw --tsa "$url" --tsa-ca "$FX_WORK/lab/ca.pem" "$src" "$d/t"
	cp "$FX_OUT" "$d/t.json"
	h6=$(hash_of_event "$d/case.db" 6)
	assert_eq "completed" "$(json_get "$d/t.json" .status)" "anchored acquisition completes"
	assert_eq "6" "$(json_get "$d/t.json" .audit_head.seq)" "--json: the head is event 6"
	assert_eq "$h6" "$(json_get "$d/t.json" .audit_head.hash)" "--json: the head's hash"
	assert_eq "stamped" "$(json_get "$d/t.json" .anchor.status)" "--json: anchor stamped"
	assert_eq "6" "$(json_get "$d/t.json" .anchor.seq)" "--json: anchor of event 6"
	assert_eq "$h6" "$(json_get "$d/t.json" .anchor.head_hash)" "--json: anchored hash"
	assert_eq "$url" "$(json_get "$d/t.json" .anchor.tsa)" "--json: the TSA"
	tok=$FX_WORK/a1.tsr
	token "$d/case.db" 1 "$tok"
	sha=$(sha256_of "$tok")
	t=$(token_time "$tok")
	assert_eq "$sha" "$(json_get "$d/t.json" .anchor.token_sha256)" "--json: the stored token's SHA-256"
	assert_eq "$t" "$(json_get "$d/t.json" .anchor.time)" "--json: the token's time"
	assert_eq "6|$h6|$url|stamped||$sha|$t" \
		"$(sqlite3 "$d/case.db" "SELECT seq, head_hash, tsa_url, status, error, token_sha256, token_time_utc FROM anchors")" \
		"the anchors table holds the token"
	assert_eq "event 6, hash $h6" "$(log_value "$d/t.log" "Audit chain head")" "log: the head"
	assert_eq "time-stamped by $url at $t (anchor 1, event 6, token SHA-256 $sha)" \
		"$(log_value "$d/t.log" "Audit chain anchor")" "log: the anchor"
	assert_eq "/ application/timestamp-query" "$(cat "$FX_WORK/lab/requests")" "one POST of a timestamp-query"
	# interoperability: openssl checks the stored token by itself
	assert_eq "Verification: OK" \
		"$(openssl ts -verify -digest "$(imprint 6 "$h6")" -in "$tok" -CAfile "$FX_WORK/lab/ca.pem" 2>/dev/null)" \
		"openssl ts -verify accepts the stored token"
	run_cmd openssl ts -verify -digest "$(imprint 6 "$h6")" -in "$tok" -CAfile "$FX_WORK/forger/ca.pem"
	assert_eq 1 "$FX_RC" "openssl refuses it with another CA"
	assert_contains "$(openssl ts -reply -in "$tok" -text 2>/dev/null)" "Nonce: 0x" "the request had a nonce"
	assert_contains "$(openssl ts -reply -in "$tok" -text 2>/dev/null)" "TSA: unspecified" "openssl reads the reply"
}

audit_checks() {
	local url=$1 db=$FX_WORK/a/case.db h6 sha t
	h6=$(hash_of_event "$db" 6)
	sha=$(sha256_of "$FX_WORK/a1.tsr")
	t=$(token_time "$FX_WORK/a1.tsr")
	assert_exit 0 "$FX_VERIFY" audit --db "$db"
	assert_eq "verify: anchor 1 of event 6: the TSA's signature was not checked (no CA given); its imprint, time and event match" \
		"$(stdout_of_last | grep '^verify: anchor')" "no CA: not checked, never verified"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --tsa-ca "$FX_WORK/lab/ca.pem" --json
	cp "$FX_OUT" "$FX_WORK/audit.json"
	assert_eq "verified" "$(json_get "$FX_WORK/audit.json" '.anchors[0].state')" "audit --json: verified"
	assert_eq "6" "$(json_get "$FX_WORK/audit.json" .audit_head.seq)" "audit --json: the head"
	assert_eq "$h6" "$(json_get "$FX_WORK/audit.json" .audit_head.hash)" "audit --json: the head's hash"
	assert_eq "verify: anchor 1 of event 6 verified: time-stamped by $url at $t (token SHA-256 $sha)" \
		"$(stderr_of_last | grep '^verify: anchor')" "with the CA: verified"
	assert_exit 1 "$FX_VERIFY" audit --db "$db" --tsa-ca "$FX_WORK/forger/ca.pem"
	assert_eq "verify: audit chain of $db is BROKEN: anchor 1 of event 6 (token ${sha:0:16}...) is refused: the token does not check: certificate verify error (Verify error:self-signed certificate in certificate chain) (6 events checked)" \
		"$(stdout_of_last | head -1)" "another CA: the token is refused"
}

# verify image adds event 7 (its --json names the new head); audit
# --anchor time-stamps it; then the tail
# is cut (event 7 and the records it describes, triggers dropped and put
# back as they were): the chain alone still checks, the anchor does not.
anchor_and_cut() {
	local url=$1 db=$FX_WORK/a/case.db cut=$FX_WORK/cut.db h7 t2 sha2 trig
	assert_exit 0 "$FX_VERIFY" -q --json --db "$db" "$FX_WORK/a/t.raw"
	cp "$FX_OUT" "$FX_WORK/verify.json"
	h7=$(hash_of_event "$db" 7)
	assert_eq "verified 7 $h7" "$(json_get "$FX_WORK/verify.json" .status) $(json_get "$FX_WORK/verify.json" .audit_head.seq) $(json_get "$FX_WORK/verify.json" .audit_head.hash)" \
		"verify --json: the chain's head after the verification"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --anchor --tsa "$url" --tsa-ca "$FX_WORK/lab/ca.pem" --json
	cp "$FX_OUT" "$FX_WORK/anchor.json"
	token "$db" 2 "$FX_WORK/a2.tsr"
	t2=$(token_time "$FX_WORK/a2.tsr")
	sha2=$(sha256_of "$FX_WORK/a2.tsr")
	assert_eq "verify: audit chain head (event 7) time-stamped by $url at $t2 (anchor 2, event 7, token SHA-256 $sha2)" \
		"$(stderr_of_last | grep '^verify: audit chain head')" "audit --anchor says the new anchor"
	assert_eq "stamped 7 $h7 $sha2" "$(json_get "$FX_WORK/anchor.json" .anchor.status) $(json_get "$FX_WORK/anchor.json" .anchor.seq) $(json_get "$FX_WORK/anchor.json" .anchor.head_hash) $(json_get "$FX_WORK/anchor.json" .anchor.token_sha256)" \
		"audit --anchor --json: the anchor"
	assert_eq "Verification: OK" \
		"$(openssl ts -verify -digest "$(imprint 7 "$h7")" -in "$FX_WORK/a2.tsr" -CAfile "$FX_WORK/lab/ca.pem" 2>/dev/null)" \
		"openssl accepts the token of audit --anchor"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --tsa-ca "$FX_WORK/lab/ca.pem"
	cp "$db" "$cut"
	trig=$(sqlite3 "$cut" "SELECT sql || ';' FROM sqlite_master WHERE name IN ('audit_log_no_delete', 'verifications_no_delete', 'hashes_no_delete')")
	sqlite3 "$cut" "DROP TRIGGER audit_log_no_delete; DROP TRIGGER verifications_no_delete; DROP TRIGGER hashes_no_delete;
		DELETE FROM hashes WHERE verification_id = 2; DELETE FROM verifications WHERE id = 2;
		DELETE FROM audit_log WHERE seq = 7; $trig"
	assert_exit 1 "$FX_VERIFY" audit --db "$cut" --tsa-ca "$FX_WORK/lab/ca.pem"
	assert_eq "verify: audit chain of $cut is BROKEN: anchor 2 (time-stamped $t2): event 7 with hash $h7 is missing: the chain was cut after it (6 events checked)" \
		"$(stdout_of_last | head -1)" "the cut tail is found and named"
	# without a CA the cut is found all the same: it needs no trust
	assert_exit 1 "$FX_VERIFY" audit --db "$cut" --json
	cp "$FX_OUT" "$FX_WORK/cut.json"
	assert_eq "broken head_gone 6" "$(json_get "$FX_WORK/cut.json" .status) $(json_get "$FX_WORK/cut.json" '.anchors[1].state') $(json_get "$FX_WORK/cut.json" .audit_head.seq)" \
		"audit --json of the cut chain"
	# a rewritten event (same seq, another hash) is named too
	cp "$db" "$cut"
	sqlite3 "$cut" "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET hash = '$(printf '%064d' 7)' WHERE seq = 7"
	assert_exit 1 "$FX_VERIFY" audit --db "$cut" --tsa-ca "$FX_WORK/lab/ca.pem"
	assert_eq "verify: anchor 2 (time-stamped $t2): event 7 has hash $(printf '%064d' 7), the token anchors $h7: the chain was rewritten" \
		"$(stdout_of_last | grep '^verify: anchor 2')" "a rewritten event is named"
}

# forged_row DB SEQ HASH TSR: an anchor row for head (SEQ, HASH) holding
# the reply TSR, as a forger who can write the database would add it.
forged_row() {
	sqlite3 "$1" "INSERT INTO anchors (seq, head_hash, tsa_url, status, token, token_sha256, token_time_utc, requested_utc)
		VALUES ($2, '$3', 'http://forged/', 'stamped', readfile('$4'), '$(sha256_of "$4")', '$(token_time "$4")', '2026-01-01T00:00:00Z')"
}

forged_tokens() {
	local db=$FX_WORK/a/case.db f=$FX_WORK/forged.db h6 sha
	h6=$(hash_of_event "$db" 6)
	# the right imprint, signed by another TSA's key
	openssl ts -query -digest "$(imprint 6 "$h6")" -sha256 -cert -out "$FX_WORK/f.tsq" 2>/dev/null
	openssl ts -reply -config "$FX_WORK/forger/tsa.cnf" -queryfile "$FX_WORK/f.tsq" -out "$FX_WORK/f.tsr" 2>/dev/null
	cp "$db" "$f"
	forged_row "$f" 6 "$h6" "$FX_WORK/f.tsr"
	sha=$(sha256_of "$FX_WORK/f.tsr")
	assert_exit 1 "$FX_VERIFY" audit --db "$f" --tsa-ca "$FX_WORK/lab/ca.pem"
	assert_eq "verify: audit chain of $f is BROKEN: anchor 3 of event 6 (token ${sha:0:16}...) is refused: the token does not check: certificate verify error (Verify error:self-signed certificate in certificate chain) (7 events checked)" \
		"$(stdout_of_last | head -1)" "a token of another TSA is refused"
	# the lab's own TSA, but for another imprint
	openssl ts -query -digest "$(imprint 6 "$(printf '%064d' 0)")" -sha256 -cert -out "$FX_WORK/g.tsq" 2>/dev/null
	openssl ts -reply -config "$FX_WORK/lab/tsa.cnf" -queryfile "$FX_WORK/g.tsq" -out "$FX_WORK/g.tsr" 2>/dev/null
	cp "$db" "$f"
	forged_row "$f" 6 "$h6" "$FX_WORK/g.tsr"
	sha=$(sha256_of "$FX_WORK/g.tsr")
	assert_exit 1 "$FX_VERIFY" audit --db "$f" --tsa-ca "$FX_WORK/lab/ca.pem"
	assert_eq "verify: audit chain of $f is BROKEN: anchor 3 of event 6 (token ${sha:0:16}...) is refused: the token does not check: message imprint mismatch (7 events checked)" \
		"$(stdout_of_last | head -1)" "a token of another imprint is refused"
	# and without a CA the imprint is checked all the same
	assert_exit 1 "$FX_VERIFY" audit --db "$f"
}

# An unreachable TSA (a closed port) and a refusing one (HTTP 503): the
# acquisition completes, exit 0, and the failed anchor is recorded and
# said in stderr, the log, --json and verify audit.
tsa_down() {
	local src=$1 url=$2 d=$FX_WORK/down port why
	mkdir "$d"
	port=$(closed_port)
	assert_exit 0 "$FX_ACQUIRE" -q --json -f raw --tsa "http://127.0.0.1:$port/" "$src" "$d/t"
	cp "$FX_OUT" "$d/t.json"
	why=$(json_get "$d/t.json" .anchor.error | sed 's/after [0-9]* ms/after N ms/')
	assert_eq "completed failed 6" "$(json_get "$d/t.json" .status) $(json_get "$d/t.json" .anchor.status) $(json_get "$d/t.json" .anchor.seq)" \
		"unreachable TSA: completed, the anchor failed"
	assert_eq "TSA http://127.0.0.1:$port/: Failed to connect to 127.0.0.1 port $port after N ms: Couldn't connect to server" "$why" \
		"--json: which TSA failed and why"
	assert_eq "acquire: audit chain head (event 6) NOT time-stamped: $why (recorded; log $d/t.log)" \
		"$(stderr_of_last | sed 's/after [0-9]* ms/after N ms/')" "stderr says it"
	assert_eq "NOT time-stamped: $why (anchor 1, event 6)" \
		"$(log_value "$d/t.log" "Audit chain anchor" | sed 's/after [0-9]* ms/after N ms/')" "the log says it"
	assert_eq "failed|6||" "$(sqlite3 "$d/case.db" "SELECT status, seq, token, token_sha256 FROM anchors")" "the failed anchor is recorded"
	assert_exit 0 "$FX_VERIFY" audit --db "$d/case.db"
	assert_eq "verify: anchor 1 of event 6 was not time-stamped: $why" \
		"$(stdout_of_last | grep '^verify: anchor' | sed 's/after [0-9]* ms/after N ms/')" "verify audit reports the missing anchor"
	# a TSA that answers HTTP 503
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --tsa "${url}refuse" "$src" "$d/r"
	assert_eq "acquire: audit chain head (event 10) NOT time-stamped: TSA ${url}refuse: HTTP status 503 (recorded; log $d/r.log)" \
		"$(stderr_of_last)" "a refusing TSA is said"
	# a TSA whose signature does not chain to --tsa-ca: not stored as a token
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --tsa "$url" --tsa-ca "$FX_WORK/forger/ca.pem" "$src" "$d/s"
	assert_eq "acquire: audit chain head (event 14) NOT time-stamped: TSA $url: the reply does not check: certificate verify error (Verify error:self-signed certificate in certificate chain) (recorded; log $d/s.log)" \
		"$(stderr_of_last)" "a reply that does not chain to the CA is refused"
	assert_eq "failed failed failed" "$(sqlite3 "$d/case.db" "SELECT group_concat(status, ' ') FROM anchors")" "each failure recorded"
}

# verify handoff --tsa: the head after the handoff's records (the
# verification, event 8, and the transfer, event 9) is time-stamped.
handoff_anchor() {
	local url=$1 db=$FX_WORK/a/case.db h9 sha
	assert_exit 0 "$FX_VERIFY" handoff t --db "$db" --to "Evidence store" --reason storage \
		--tsa "$url" --tsa-ca "$FX_WORK/lab/ca.pem" --json
	cp "$FX_OUT" "$FX_WORK/handoff.json"
	h9=$(hash_of_event "$db" 9)
	token "$db" 3 "$FX_WORK/a3.tsr"
	sha=$(sha256_of "$FX_WORK/a3.tsr")
	assert_eq "recorded 9 $h9 stamped 9 $sha" "$(json_get "$FX_WORK/handoff.json" .handoff) $(json_get "$FX_WORK/handoff.json" .audit_head.seq) $(json_get "$FX_WORK/handoff.json" .audit_head.hash) $(json_get "$FX_WORK/handoff.json" .anchor.status) $(json_get "$FX_WORK/handoff.json" .anchor.seq) $(json_get "$FX_WORK/handoff.json" .anchor.token_sha256)" \
		"handoff --json: the head and its anchor"
	assert_eq "verify: audit chain head (event 9) time-stamped by $url at $(token_time "$FX_WORK/a3.tsr") (anchor 3, event 9, token SHA-256 $sha)" \
		"$(stderr_of_last | grep '^verify: audit chain head')" "handoff says the anchor"
	assert_exit 0 "$FX_VERIFY" audit --db "$db" --tsa-ca "$FX_WORK/lab/ca.pem"
	assert_eq "3" "$(stdout_of_last | grep -c '^verify: anchor [0-9]* of event [0-9]* verified')" "all three anchors verify"
}

refusals() {
	local src=$1 d=$FX_WORK/refused
	mkdir "$d"
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --tsa "ftp://127.0.0.1/" "$src" "$d/t"
	assert_eq "acquire: --tsa: 'ftp://127.0.0.1/' is not an http:// or https:// URL (see acquire --help)" "$(stderr_of_last)" "a URL that is not http"
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --tsa "http://127.0.0.1/" --tsa-ca "$d/none.pem" "$src" "$d/t"
	assert_eq "acquire: --tsa-ca $d/none.pem: cannot be read: No such file or directory" "$(stderr_of_last)" "a CA file that is missing"
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --tsa-ca "$FX_WORK/lab/ca.pem" "$src" "$d/t"
	assert_eq "acquire: --tsa-ca needs --tsa URL (see acquire --help)" "$(stderr_of_last)" "--tsa-ca alone"
	assert_exit 2 "$FX_ACQUIRE" -q --to-stream --tsa "http://127.0.0.1/" "$src"
	assert_eq "acquire: --tsa: --to-stream records nothing here; give it to the receiving acquire --from-stream (see acquire --help)" "$(stderr_of_last)" "--tsa with --to-stream: the receiver anchors"
	assert_eq "" "$(ls "$d")" "nothing written when refused"
	assert_exit 2 "$FX_VERIFY" audit --db "$FX_WORK/a/case.db" --anchor
	assert_eq "verify: audit: --anchor needs --tsa URL (see verify --help)" "$(stderr_of_last)" "--anchor without --tsa"
}

main() {
	need_tool openssl python3 sqlite3
	fx_begin
	local src url
	tsa_make "$FX_WORK/lab" Lab
	tsa_make "$FX_WORK/forger" Forger
	tsa_start "$FX_WORK/lab"
	url=$TSA_URL
	src=$(src_image)
	anchored_acquisition "$url" "$src"
	audit_checks "$url"
	anchor_and_cut "$url"
	forged_tokens
	handoff_anchor "$url"
	tsa_down "$src" "$url"
	refusals "$src"
	fx_pass
}

main "$@"
