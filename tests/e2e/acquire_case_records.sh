#!/usr/bin/env bash
# End to end: what acquire records about a case and its evidence items,
# read back by sqlite3, `verify list` and the reports.
#  * Identity the system does not expose (a regular file, a loop device:
#    no vendor, model, serial, WWID; a file: no read-only flags) is stored
#    as NULL, never as "", and every output says so: "not recorded" (text,
#    HTML), null (JSON), no element (DFXML).
#  * --case-description describes the case, --description the evidence
#    item: two items with different descriptions and one case description
#    are recorded apart; a later run giving another case description is
#    refused (exit 2, one line naming the recorded one) before anything is
#    written; giving the recorded one again, or none, is accepted.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify
CASE_DESC="Burglary at 12 Example Street"

# q DB SQL: the value(s) as SQL literals (NULL, 'text', numbers).
q() {
	sqlite3 "$1" "$2"
}

test_descriptions() {
	local dir=$FX_WORK/d src=$FX_WORK/src.bin db
	mkdir "$dir"
	db=$dir/case.db
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case K-1 --case-description "$CASE_DESC" \
		--evidence HD-1 --description "Laptop disk, WD Blue" "$src" "$dir/h1"
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case K-1 --evidence HD-2 \
		--description "USB stick, SanDisk" "$src" "$dir/h2"
	assert_eq "'$CASE_DESC'" "$(q "$db" "SELECT quote(description) FROM cases")" "the case's description"
	assert_eq "HD-1|'Laptop disk, WD Blue'
HD-2|'USB stick, SanDisk'" "$(q "$db" "SELECT evidence_number, quote(description) FROM evidence ORDER BY id")" \
		"each item's own description"
	assert_file_line "$dir/h1.log" "Case description:       $CASE_DESC" "log: the case's description"
	assert_file_line "$dir/h1.log" "Description:            Laptop disk, WD Blue" "log: the item's description"

	# another description for the recorded case: refused, nothing written
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --case K-1 --case-description "Robbery" \
		--evidence HD-3 "$src" "$dir/h3"
	assert_eq "acquire: case database $db: case \"K-1\" is recorded with the description \"$CASE_DESC\"; a case's description is recorded once, when the case is made, so \"Robbery\" is refused" \
		"$(stderr_of_last)" "a different case description is refused"
	assert_eq 2 "$(q "$db" "SELECT count(*) FROM acquisitions")" "refused: no acquisition row"
	assert_eq 2 "$(q "$db" "SELECT count(*) FROM evidence")" "refused: no evidence row"
	assert_eq "'$CASE_DESC'" "$(q "$db" "SELECT quote(description) FROM cases")" "refused: the case unchanged"
	assert_missing "$dir/h3.log" "refused: no log"
	assert_missing "$dir/h3.raw" "refused: no image"
	# E01 likewise: no segment is created
	assert_exit 2 "$FX_ACQUIRE" -q --case K-1 --case-description "Robbery" \
		--evidence HD-4 "$src" "$dir/h4"
	assert_missing "$dir/h4.E01" "refused E01: no segment"
	assert_missing "$dir/h4.log" "refused E01: no log"
	assert_eq 2 "$(q "$db" "SELECT count(*) FROM acquisitions")" "refused E01: no acquisition row"
	# the recorded text again is accepted
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case K-1 --case-description "$CASE_DESC" \
		--evidence HD-3 "$src" "$dir/h3"
	assert_eq "3|1" "$(q "$db" "SELECT count(*), count(DISTINCT case_id) FROM evidence")" "same description: accepted"
	assert_eq 'NULL' "$(q "$db" "SELECT quote(description) FROM evidence WHERE evidence_number = 'HD-3'")" \
		"no --description: the item's description not recorded"

	assert_exit 0 "$FX_VERIFY" list --db "$db"
	stdout_of_last >"$FX_WORK/list.out"
	assert_eq "case K-1: $CASE_DESC" "$(head -n1 "$FX_WORK/list.out" | sed 's/ (created .*//')" "verify list: the case's description"
	assert_file_line "$FX_WORK/list.out" "  evidence HD-1 (id 1): Laptop disk, WD Blue" "verify list: HD-1's description"
	assert_file_line "$FX_WORK/list.out" "  evidence HD-2 (id 2): USB stick, SanDisk" "verify list: HD-2's description"
	assert_file_line "$FX_WORK/list.out" "  evidence HD-3 (id 3)" "verify list: HD-3 without description"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case K-1 --format text -o "$FX_WORK/d.txt"
	assert_eq 3 "$(grep -c "^Case description:       $CASE_DESC\$" "$FX_WORK/d.txt")" "report: the case's description on every item"
	assert_file_line "$FX_WORK/d.txt" "Description:            Laptop disk, WD Blue" "report: HD-1's description"
	assert_file_line "$FX_WORK/d.txt" "Description:            USB stick, SanDisk" "report: HD-2's description"
	assert_file_line "$FX_WORK/d.txt" "Description:            not recorded" "report: HD-3's description"
}

# assert_identity_not_recorded DB DIR CASE WHAT: NULL in the database,
# "not recorded" / null / absent in every output.
assert_identity_not_recorded() {
	local db=$1 dir=$2 kase=$3 what=$4 col f
	for col in vendor model serial wwid; do
		assert_eq NULL "$(q "$db" "SELECT quote($col) FROM evidence")" "$what: evidence.$col is NULL"
		assert_eq NULL "$(q "$db" "SELECT quote($col) FROM acquisitions")" "$what: acquisitions.$col is NULL"
	done
	for f in text html json dfxml; do
		assert_exit 0 "$FX_VERIFY" report --db "$db" --case "$kase" --format $f -o "$dir/r.$f"
	done
	assert_file_line "$dir/r.text" "  Vendor:               not recorded" "$what: text report, vendor"
	assert_file_line "$dir/r.text" "  Model:                not recorded" "$what: text report, model"
	assert_file_line "$dir/r.text" "  Serial number:        not recorded" "$what: text report, serial"
	assert_file_line "$dir/r.text" "  WWID:                 not recorded" "$what: text report, WWID"
	assert_eq 0 "$(grep -cE '^  (Vendor|Model|Serial number|WWID): *$' "$dir/r.text" || true)" "$what: text report, no blank identity"
	for col in Vendor Model "Serial number" WWID; do
		assert_contains "$(cat "$dir/r.html")" "<tr><th>$col</th><td><span class=\"nr\">not recorded</span></td></tr>" \
			"$what: HTML report, $col"
	done
	for col in vendor model serial wwid; do
		assert_eq 2 "$(grep -c "\"$col\": null" "$dir/r.json")" "$what: JSON report, $col null (item and acquisition)"
		assert_eq 0 "$(grep -c "<fx:$col>" "$dir/r.dfxml")" "$what: DFXML, no $col element"
	done
}

test_identity_file() {
	local dir=$FX_WORK/f db
	mkdir "$dir"
	db=$dir/case.db
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case F-1 "$FX_WORK/src.bin" "$dir/f"
	assert_identity_not_recorded "$db" "$dir" F-1 "regular file"
	assert_eq "NULL|NULL" "$(q "$db" "SELECT quote(write_block_before), quote(write_block_after) FROM acquisitions")" \
		"regular file: no read-only flags, not recorded"
	assert_file_line "$dir/r.text" "  State before:         not recorded" "text report: state before"
}

test_identity_loop() {
	local dir=$FX_WORK/l db dev why
	why=$(loop_unavailable)
	if [[ -n $why ]]; then
		skip_part "loop device identity: $why"
		return
	fi
	mkdir "$dir"
	db=$dir/case.db
	dev=$(losetup --find --show "$FX_WORK/src.bin") || fail "losetup failed"
	defer losetup -d "$dev"
	defer blockdev --setrw "$dev"
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case L-1 "$dev" "$dir/l"
	assert_identity_not_recorded "$db" "$dir" L-1 "loop device"
}

main() {
	need_tool sqlite3
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	head -c 1048576 /dev/zero | tr '\0' 'D' >"$FX_WORK/src.bin"
	test_descriptions
	test_identity_file
	test_identity_loop
	fx_pass
}

main "$@"
