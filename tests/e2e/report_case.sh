#!/usr/bin/env bash
# End to end: verify report --format case (CASE 1.4 / UCO JSON-LD).
# The sample disk is acquired twice (raw, and E01 in segments) as one
# evidence item, both images are verified, the item is handed off (which
# verifies again), and one image is then changed so that a verification
# fails. The CASE report of that database is parsed as JSON-LD by rdflib
# (python3-rdflib, Debian) and read with SPARQL only
# (lib/case_check.py): every acquisition, verification and custody
# transfer of the database is there, at the IRI a third party computes
# from the record, with its times, people, places, tool, parameters,
# files and hashes exactly as the database (read with sqlite3) holds them,
# and the images' and passing verifications' hashes are those md5sum,
# sha1sum and sha256sum give for the disk. The same database gives the
# same bytes, a second later and on standard output. A database whose
# texts hold quotes, line breaks, "</script>" and control characters
# (check_report --write-hostile) still gives JSON-LD that parses, with
# every text exactly as recorded. Validation against the CASE/UCO SHACL
# shapes is not done here: see docs/reports.md ("CASE").
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify
FX_TESTS_BIN=${FX_TESTS_BIN:-$FX_BIN/../tests}
CHECK=$FX_TESTS_BIN/check_report
CASE_CHECK=$FX_ROOT/tests/e2e/lib/case_check.py
PY=

# find_rdflib: a python3 that has rdflib (Debian's python3-rdflib lives in
# /usr/bin/python3's path, which another python3 first in PATH lacks).
find_rdflib() {
	local p
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import rdflib' >/dev/null 2>&1; then
			PY=$p
			return 0
		fi
	done
	return 1
}

# flip FILE OFFSET: inverts one byte of a (read-only) image file.
flip() {
	local b
	b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
	chmod u+w "$1"
	# shellcheck disable=SC2059 # the format is the byte, built here
	printf "\\x$(printf '%02x' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
	chmod a-w "$1"
}

make_record() {
	local src=$1 dir=$2
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-14 \
		--case-description "Reports in CASE" --evidence HD-1 \
		--examiner "Jane Doe" --description "sample disk" \
		--operator "J. Doe" "$src" "$dir/hd1"
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 --compression none \
		--segment-size 16M --case CASE-14 --evidence HD-1 \
		--operator "A. Smith" "$src" "$dir/hd1e"
	assert_exit 0 "$FX_VERIFY" -q --operator "R. Roe" "$dir/hd1.raw"
	assert_exit 0 "$FX_VERIFY" -q "$dir/hd1e.E01"
	assert_exit 0 "$FX_VERIFY" -q handoff HD-1 --db "$dir/case.db" --case CASE-14 \
		--from "J. Doe" --to "Det. Smith" --reason "court, 2 Dec" --location "Lab 2"
	assert_contains "$(stdout_of_last)" "custody of evidence HD-1 transferred from J. Doe to Det. Smith" \
		"the handoff is recorded"
	flip "$dir/hd1.raw" 1048576
	assert_exit 1 "$FX_VERIFY" -q "$dir/hd1.raw"
}

check_record() {
	local src=$1 dir=$2 db=$2/case.db out=$FX_WORK/r.jsonld md5 sha1 sha256
	md5=$(md5_of "$src")
	sha1=$(sha1_of "$src")
	sha256=$(sha256_of "$src")
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case CASE-14 --format case -o "$out"
	assert_eq "" "$(stdout_of_last)$(stderr_of_last)" "report -o: nothing printed"
	# what the database says, read with sqlite3
	assert_eq "2|6|1" "$(sqlite3 "$db" "SELECT (SELECT count(*) FROM acquisitions),
		(SELECT count(*) FROM verifications), (SELECT count(*) FROM custody_events)")" \
		"the record: 2 acquisitions, 6 verifications (2 read-backs), 1 transfer"
	assert_exit 0 "$PY" "$CASE_CHECK" record "$out" "$db" "$md5" "$sha1" "$sha256"
	assert_eq "record: 2 acquisitions, 6 verifications (1 failed), 1 custody transfers" \
		"$(stdout_of_last)" "SPARQL: every record of the database, exactly"
	# the same database, the same bytes: a second later, and on stdout
	sleep 1
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case CASE-14 --format case
	assert_same_file "$out" "$FX_OUT" "deterministic: same database, same bytes"
}

check_hostile() {
	local db=$FX_WORK/hostile.db out=$FX_WORK/h.jsonld
	assert_exit 0 "$CHECK" --write-hostile "$db"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case $'K"1\n</script>\x01\x7f' \
		--format case -o "$out"
	assert_exit 0 "$PY" "$CASE_CHECK" hostile "$out" "$db"
	assert_eq "hostile: 24 texts exact; 1 acquisitions, 1 verifications, 1 custody transfers" \
		"$(stdout_of_last)" "hostile text: valid JSON-LD, every text exact"
	if grep -q $'\x01' "$out"; then fail "a raw control character in the CASE report"; fi
	check_ok
}

check_usage() {
	local dir=$1
	assert_exit 2 "$FX_VERIFY" report --db "$dir/case.db" --case CASE-14 --format CASE
	assert_eq 'verify: report: --format: unknown report format "CASE" (expected html, text, json, dfxml or case) (see verify --help)' \
		"$(stderr_of_last)" "--format is exact"
	assert_exit 2 "$FX_VERIFY" report --db "$dir/case.db" --case CASE-14
	assert_eq 'verify: report: --format html|text|json|dfxml|case is required (see verify --help)' \
		"$(stderr_of_last)" "--format is required"
	assert_exit 2 "$FX_VERIFY" report --db "$dir/case.db" --case NO-SUCH --format case
	assert_eq "verify: report: case database $dir/case.db: no case \"NO-SUCH\"" \
		"$(stderr_of_last)" "unknown case: one line"
}

main() {
	need_tool sqlite3 od md5sum sha1sum sha256sum
	find_rdflib || skip "python3-rdflib is not installed (scripts/deps.sh installs it)"
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	[[ -x $CHECK ]] || fail "check_report not built: $CHECK (set FX_TESTS_BIN)"
	local src dir=$FX_WORK/lab
	src=$(sample_disk)
	mkdir "$dir"
	make_record "$src" "$dir"
	check_record "$src" "$dir"
	check_hostile
	check_usage "$dir"
	fx_pass
}

main "$@"
