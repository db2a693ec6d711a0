#!/bin/bash
# Hands case databases written by libforensic to an independent verifier
# (the Python program in docs/casedb.md, run from the page itself), before
# and after tampering with the sqlite3 command-line tool, and checks that the
# verifier and the library's audit check name the same event for the same
# reason. This tests the documented algorithm, the canonical JSON (the
# fixture holds text that needs escapes) and the signatures (checked with the
# openssl command) against a second implementation.
set -euo pipefail

for tool in python3 sqlite3 openssl; do
	command -v "$tool" >/dev/null || { echo "skip: no $tool"; exit 77; }
done
: "${FX_BIN:?}" "${FX_ROOT:?}" "${FX_TEST_TMP:?}"
check_bin="$FX_BIN/../tests/check_casedb"
[ -x "$check_bin" ] || { echo "FAIL: $check_bin not built"; exit 1; }

work="$FX_TEST_TMP/e2e-casedb.$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

# The verifier, exactly as printed in the documentation.
sed -n '/<!-- verify.py begin -->/,/<!-- verify.py end -->/p' \
	"$FX_ROOT/docs/casedb.md" | sed '1,2d;$d' | sed '$d' >"$work/verify.py"
grep -q '^def check(path' "$work/verify.py" ||
	{ echo "FAIL: verifier not found in docs/casedb.md"; exit 1; }

failures=0

# expect NAME DB WANT [TRUSTED_HEX...]: both checkers must print WANT
# (checking against the trusted keys when given: a key ring).
expect() {
	local name="$1" db="$2" want="$3" lib py
	shift 3
	lib=$("$check_bin" --audit-check "$db" "$@" || true)
	py=$(python3 "$work/verify.py" "$db" "$@" || true)
	if [ "$lib" != "$want" ] || [ "$py" != "$want" ]; then
		echo "FAIL $name"
		echo "  want:      $want"
		echo "  library:   $lib"
		echo "  reference: $py"
		failures=$((failures + 1))
	else
		echo "ok   $name: $want"
	fi
}

# tamper NAME SQL: a copy of the signed fixture changed by the sqlite3 tool.
tamper() {
	local db="$work/$1.db"
	cp "$work/signed.db" "$db"
	sqlite3 "$db" "DROP TRIGGER audit_log_no_update;
		DROP TRIGGER audit_log_no_delete; $2"
	echo "$db"
}

openssl genpkey -algorithm ed25519 -out "$work/key.pem" 2>/dev/null
"$check_bin" --make-fixture "$work/plain.db"
"$check_bin" --make-fixture "$work/signed.db" "$work/key.pem"
for db in plain signed; do
	sqlite3 "$work/$db.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
done

head=$(sqlite3 "$work/plain.db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
expect "unsigned fixture" "$work/plain.db" "intact: 9 events, 0 signed, head $head"
head=$(sqlite3 "$work/signed.db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
expect "signed fixture" "$work/signed.db" "intact: 10 events, 10 signed, head $head"

# The recorded public key is the one openssl derives from the PEM file.
pub=$(openssl pkey -in "$work/key.pem" -pubout -outform DER | tail -c 32 |
	od -An -tx1 | tr -d ' \n')
rec=$(sqlite3 "$work/signed.db" "SELECT public_key FROM signing_keys")
[ "$pub" = "$rec" ] || { echo "FAIL key: $pub != $rec"; failures=$((failures + 1)); }

db=$(tamper edit "UPDATE audit_log SET content = replace(content, 'room 101', 'room 102') WHERE seq = 9")
expect "edited content" "$db" "event 9: hash does not match its content"

db=$(tamper time "UPDATE audit_log SET time_utc = '2026-01-01T00:00:00Z' WHERE seq = 4")
expect "edited time" "$db" "event 4: hash does not match its content"

db=$(tamper delete "DELETE FROM audit_log WHERE seq = 7")
expect "deleted event" "$db" "event 8: sequence gap, expected 7"

db=$(tamper swap "UPDATE audit_log SET seq = 100 WHERE seq = 8;
	UPDATE audit_log SET seq = 8 WHERE seq = 9;
	UPDATE audit_log SET seq = 9 WHERE seq = 100")
expect "swapped events" "$db" "event 8: prev_hash does not match event 7"

db=$(tamper sig "UPDATE audit_log SET signature = replace(signature, substr(signature, 1, 1), CASE substr(signature, 1, 1) WHEN 'a' THEN 'b' ELSE 'a' END) WHERE seq = 5")
expect "flipped signature" "$db" "event 5: signature does not verify with key ${rec:0:16}..."

# A forger who knows the algorithm rewrites event 9 and re-hashes the chain
# after it; only the signature gives it away.
db=$(tamper forge "UPDATE audit_log SET content = replace(content, 'room 101', 'room 999') WHERE seq = 9")
python3 - "$db" <<'EOF'
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
canon = lambda v: json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
prev = db.execute("SELECT hash FROM audit_log WHERE seq = 8").fetchone()[0]
for seq, t, actor, host, action, content in db.execute(
        "SELECT seq, time_utc, actor, host, action, content FROM audit_log "
        "WHERE seq >= 9 ORDER BY seq").fetchall():
    env = canon({"action": action, "actor": actor, "content": json.loads(content),
                 "host": host, "seq": seq, "time": t})
    h = hashlib.sha256((prev + env).encode()).hexdigest()
    db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq))
    prev = h
db.commit()
EOF
expect "forged and re-hashed" "$db" "event 9: signature does not verify with key ${rec:0:16}..."

# The trust rules, with a forger's tools that put the triggers back
# (tests/e2e/lib/forge_chain.py): what the chain's own key.register shows
# by default, and what only a trusted key shows.
forge() {
	local db="$work/$1.db"
	cp "$work/signed.db" "$db"
	shift
	python3 "$FX_ROOT/tests/e2e/lib/forge_chain.py" "$db" "$@"
	echo "$db"
}
openssl genpkey -algorithm ed25519 -out "$work/forger.pem" 2>/dev/null
fpub=$(openssl pkey -in "$work/forger.pem" -pubout -outform DER | tail -c 32 |
	od -An -tx1 | tr -d ' \n')

db=$(forge stripped strip rechain)
expect "signatures stripped" "$db" "event 1: key.register is not signed (a key registers itself with its own signature)"

db=$(forge unsigned_tail strip=10)
expect "unsigned event after the key" "$db" "event 10: not signed, although a signing key was registered at event 1"

db=$(forge resigned "edit=9|room 101|room 999" "sql=UPDATE custody_events SET location = 'room 999' WHERE location = 'room 101'" \
	"rekey=$work/forger.pem" rechain "sign=$work/forger.pem")
head=$(sqlite3 "$db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
expect "re-signed by a forger, no trusted key" "$db" "intact: 10 events, 10 signed, head $head"
expect "re-signed by a forger, trusted key" "$db" "event 1: signed with key ${fpub:0:16}..., not the trusted key ${pub:0:16}..." "$pub"

db=$(forge unsigned_whole unregister rechain)
head=$(sqlite3 "$db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
expect "rewritten unsigned, no trusted key" "$db" "intact: 9 events, 0 signed, head $head"
expect "rewritten unsigned, trusted key" "$db" "the chain is unsigned, but a trusted key was given (${pub:0:16}...)" "$pub"

# Two examiners: the signed fixture extended by a second examiner's key
# (it registers itself at event 11 and signs the rest). Trusted keys are a
# key ring: with both it checks, with one the other's first event is named
# (this was the only result), a forger's key among them changes nothing,
# and the forger's chain fails against both examiners' keys.
openssl genpkey -algorithm ed25519 -out "$work/key2.pem" 2>/dev/null
pub2=$(openssl pkey -in "$work/key2.pem" -pubout -outform DER | tail -c 32 |
	od -An -tx1 | tr -d ' \n')
cp "$work/signed.db" "$work/two.db"
"$check_bin" --make-fixture "$work/two.db" "$work/key2.pem"
sqlite3 "$work/two.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
head=$(sqlite3 "$work/two.db" "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")
reg=$(sqlite3 "$work/two.db" "SELECT seq FROM audit_log WHERE action = 'key.register' AND key_id = 2")
[ "$reg" = 11 ] || { echo "FAIL second key registered at event $reg, not 11"; failures=$((failures + 1)); }
expect "two examiners, both keys" "$work/two.db" "intact: 17 events, 17 signed, head $head" "$pub" "$pub2"
expect "two examiners, the first key only" "$work/two.db" "event 11: signed with key ${pub2:0:16}..., not the trusted key ${pub:0:16}..." "$pub"
expect "two examiners, the first key and a forger's" "$work/two.db" \
	"event 11: signed with key ${pub2:0:16}..., which is none of the 2 trusted keys (${pub:0:16}..., ${fpub:0:16}...)" "$pub" "$fpub"
expect "re-signed by a forger, both examiners' keys" "$work/resigned.db" \
	"event 1: signed with key ${fpub:0:16}..., which is none of the 2 trusted keys (${pub:0:16}..., ${pub2:0:16}...)" "$pub" "$pub2"
expect "rewritten unsigned, both examiners' keys" "$work/unsigned_whole.db" \
	"the chain is unsigned, but 2 trusted keys were given (${pub:0:16}..., ${pub2:0:16}...)" "$pub" "$pub2"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all agree"
