#!/usr/bin/env bash
# End to end: verify handoff. The evidence's image is verified first; the
# custody transfer is recorded only if it verified; after tampering the
# transfer is refused and the failed verification recorded. Also: the
# evidence number resolved across cases (ambiguous without --case), the
# default --from (the last holder), usage errors, --json. What was written
# is read back with sqlite3, not with libforensic.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify

custody_rows() {
	sqlite3 "$1" "SELECT e.evidence_number, coalesce(c.from_party, '-'), c.to_party, c.reason, coalesce(c.location, '-')
		FROM custody_events c JOIN evidence e ON e.id = c.evidence_id ORDER BY c.id"
}

last_verification() {
	sqlite3 "$1" "SELECT v.result, e.evidence_number, v.tool FROM verifications v JOIN evidence e ON e.id = v.evidence_id ORDER BY v.id DESC LIMIT 1"
}

flip() {
	local b
	b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
	chmod u+w "$1"
	# shellcheck disable=SC2059 # the format is the byte, built here
	printf "\\x$(printf '%02x' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

main() {
	need_tool sqlite3 od
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local src dir=$FX_WORK/lab db me out n
	src=$(sample_disk)
	me=$(id -un)
	mkdir "$dir"
	db=$dir/case.db
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 --segment-size 4M --case CASE-A --evidence HD-1 "$src" "$dir/hd1a"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-B --evidence HD-1 "$src" "$dir/hd1b"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 16M --case CASE-A --evidence USB-2 "$src" "$dir/usb2"
	cd "$dir" # the default database is ./case.db

	# a verified image: the transfer is recorded
	assert_exit 0 "$FX_VERIFY" handoff USB-2 --to "Det. Smith" --reason "court, 2 Dec" --location "Lab 2"
	assert_contains "$(stdout_of_last)" "verify: $dir/usb2.001: verified" "handoff prints the verification"
	assert_contains "$(stdout_of_last)" "verify: custody of evidence USB-2 transferred from $me to Det. Smith (custody event 1, after verification " \
		"handoff: transfer line"
	assert_eq "USB-2|$me|Det. Smith|court, 2 Dec|Lab 2" "$(custody_rows "$db")" "custody row as recorded"
	assert_eq "verified|USB-2|verify" "$(last_verification "$db")" "handoff's verification recorded"

	# the next transfer is from the last holder, unless --from says otherwise
	assert_exit 0 "$FX_VERIFY" -q handoff USB-2 --to "Clerk Jones" --reason "filed"
	assert_eq "USB-2|Det. Smith|Clerk Jones|filed|-" "$(custody_rows "$db" | tail -n1)" "--from defaults to the last holder"

	# HD-1 exists in two cases
	assert_exit 2 "$FX_VERIFY" handoff HD-1 --to X --reason Y
	assert_contains "$(stderr_of_last)" "handoff: evidence HD-1 is in several cases (CASE-A, CASE-B): give --case" "ambiguous evidence"
	assert_exit 0 "$FX_VERIFY" --json handoff HD-1 --case CASE-A --from "Evidence room" --to "Lab B" --reason "second opinion"
	out=$FX_WORK/h.json
	cp "$FX_OUT" "$out"
	assert_eq recorded "$(json_get "$out" .handoff)" "--json: handoff recorded"
	assert_eq "Evidence room" "$(json_get "$out" .from)" "--json: from"
	assert_eq verified "$(json_get "$out" .verification.status)" "--json: the verification object"
	assert_eq e01 "$(json_get "$out" .verification.format)" "--json: CASE-A's HD-1 is the E01"
	assert_eq "HD-1|Evidence room|Lab B|second opinion|-" "$(custody_rows "$db" | tail -n1)" "--case picks the item"
	n=$(custody_rows "$db" | wc -l)
	assert_eq 3 "$n" "three transfers so far"

	# tampered: refused, the failed verification recorded
	flip "$dir/usb2.002" 4096
	assert_exit 1 "$FX_VERIFY" handoff USB-2 --to "Defence expert" --reason "review"
	assert_contains "$(stderr_of_last)" "verify: handoff of evidence USB-2 to Defence expert REFUSED: the image does not match its record (verification " \
		"tampered: refused"
	assert_contains "$(stdout_of_last)" "image file $dir/usb2.002 (media bytes 16777216-33554431): SHA-256 differs from the acquisition record" \
		"tampered: the segment named"
	assert_eq "$n" "$(custody_rows "$db" | wc -l)" "tampered: no transfer recorded"
	assert_eq "mismatch|USB-2|verify" "$(last_verification "$db")" "tampered: the failed verification recorded"
	assert_exit 1 "$FX_VERIFY" --json -q handoff USB-2 --to "Defence expert" --reason "review"
	cp "$FX_OUT" "$out"
	assert_eq refused "$(json_get "$out" .handoff)" "--json: refused"
	assert_eq 0 "$(json_get "$out" .custody_id)" "--json: no custody event"
	assert_eq mismatch "$(json_get "$out" .verification.status)" "--json: the mismatch"

	# a segment gone: could not verify, refused (exit 4)
	mv "$dir/hd1a.E02" "$FX_WORK/"
	assert_exit 4 "$FX_VERIFY" handoff HD-1 --case CASE-A --to "Lab C" --reason "x"
	assert_contains "$(stdout_of_last)" "image segment $dir/hd1a.E02 is missing" "missing segment named"
	assert_contains "$(stderr_of_last)" "REFUSED: the image could not be verified" "refused: could not verify"
	assert_eq "error|HD-1|verify" "$(last_verification "$db")" "the error recorded"
	assert_eq "$n" "$(custody_rows "$db" | wc -l)" "still no transfer"

	# usage
	assert_exit 2 "$FX_VERIFY" handoff USB-2 --reason "no recipient"
	assert_contains "$(stderr_of_last)" "--to NAME is required" "missing --to"
	assert_exit 2 "$FX_VERIFY" handoff USB-2 --to X
	assert_contains "$(stderr_of_last)" "--reason TEXT is required" "missing --reason"
	assert_exit 2 "$FX_VERIFY" handoff NOPE-9 --to X --reason Y
	assert_contains "$(stderr_of_last)" "no evidence NOPE-9 in the case database" "unknown evidence"
	assert_exit 4 "$FX_VERIFY" handoff USB-2 --to X --reason Y --db "$FX_WORK/none.db"
	assert_contains "$(stderr_of_last)" "case database $FX_WORK/none.db: does not exist" "no database"
	assert_missing "$FX_WORK/none.db" "no database created"

	# everything above is in an intact audit chain
	assert_exit 0 "$FX_VERIFY" audit
	assert_contains "$(stdout_of_last)" "is intact: $(sqlite3 "$db" "SELECT count(*) FROM audit_log") events" "audit after the handoffs"
	cd /
	fx_pass
}

main "$@"
