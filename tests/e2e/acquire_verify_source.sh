#!/usr/bin/env bash
# End to end: `acquire --verify-source` on a source with unreadable sectors,
# the case where re-reading the source matters most. The source is a file
# on a FUSE file system (tests/tools/fx_faultyfs) whose chosen sectors fail
# with EIO, read by the real acquire tool; fx_faultyfs can fail other
# sectors on the second pass (the source re-read), deterministically. Also
# a loop device over that file, so that a block device is re-opened and
# write-blocked for the re-read.
#
#  - The same unreadable sectors, the same hashes: the source verification
#    passes ("the same N unreadable sectors"), exit 3 (acquired with
#    unreadable sectors), raw and E01. It was "FAILED: could not re-read N
#    of M sectors", exit 1.
#  - Other unreadable sectors on the re-read (some new, some readable
#    again, or new ones where the acquisition had none): a mismatch that
#    says which sectors changed and that the disk changed or is degrading,
#    exit 1; the image itself still verifies.
#
# Needs root and FUSE (/dev/fuse, libfuse3 at build time); prints a SKIP
# line otherwise.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/faultyfs.sh
. "$(dirname "$0")/lib/faultyfs.sh"

readonly MIB=1048576
readonly SIZE=$((8 * MIB)) SECTORS=16384

# make_source FILE: 8 MiB of AES-CTR keystream (deterministic, no zero
# sector), so that a zero-filled sector changes every hash.
make_source() {
	head -c "$SIZE" /dev/zero |
		openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
			-iv 0f0e0d0c0b0a09080706050403020100 >"$1"
	[[ $(size_of "$1") == "$SIZE" ]] || fail "openssl enc made no $SIZE-byte source"
}

# setup NAME --bad RANGES...: $DIR with the source and the mounted file.
setup() {
	local why name=$1
	shift
	why=$(faultyfs_unavailable)
	[[ -z $why ]] || skip "$why"
	DIR=$(realpath "$FX_WORK")/$name
	mkdir "$DIR"
	make_source "$DIR/source"
	faultyfs_mount "$DIR" "$DIR/source" "$@" || skip "FUSE: $FX_WHY"
}

# The acquisition's unreadable sectors: 100+8 and 5000+3.
readonly BAD=(100+8 5000+3)

# check_record T FORMAT: what a run over the failing file records of the
# acquisition itself (log, --json, database), whatever the re-read found.
check_record() {
	local t=$1 expected=$DIR/expected
	zero_filled_copy "$DIR/source" "$expected" 512 "${BAD[@]}"
	assert_eq completed_with_errors "$(json_read "$t.json" .status)" "--json status"
	assert_eq "11 in 2 range(s) (first sector, count), zero-filled in the image:" \
		"$(log_value "$t.log" 'Unreadable sectors')" "log: Unreadable sectors"
	assert_file_line "$t.log" "  100, 8" "log lists 100+8"
	assert_file_line "$t.log" "  5000, 3" "log lists 5000+3"
	assert_eq "$(sha256_of "$expected")" "$(json_read "$t.json" .hashes.sha256)" \
		"the acquisition's SHA-256 is that of the zero-filled copy"
	assert_eq "passed ($SIZE bytes re-read, all hashes equal)" \
		"$(log_value "$t.log" 'Verification of image')" "log: the image verifies"
	# the database keeps the verification's JSON result (issue 11: it kept
	# the log's line before); the log says it in words
	assert_eq "verified|acquire --verify|3|verified|$SIZE|true|0" \
		"$(readback_recorded "$DIR/case.db")" "database: the image's verification"
	assert_eq completed_with_errors \
		"$(sqlite3 "$DIR/case.db" "SELECT status FROM acquisitions WHERE id = $(json_read "$t.json" .acquisition_id)")" \
		"database: the acquisition completed with errors"
	assert_eq "100|8 5000|3" \
		"$(sqlite3 "$DIR/case.db" "SELECT group_concat(first_sector || '|' || sector_count, ' ') FROM (SELECT * FROM bad_sectors WHERE acquisition_id = $(json_read "$t.json" .acquisition_id) ORDER BY first_sector)")" \
		"database: the unreadable ranges"
}

# The same sectors fail on both passes: the source verification passes.
test_same_sectors() {
	local fmt=$1 t line
	setup "same-$fmt" --bad "$(IFS=,; echo "${BAD[*]}")"
	t=$DIR/t
	assert_exit 3 "$FX_ACQUIRE" -q --json --format "$fmt" --verify-source "$DIR/mnt/disk" "$t"
	cp "$FX_OUT" "$t.json"
	assert_eq "acquire: 11 unreadable sectors in 2 range(s), zero-filled (see $t.log)" \
		"$(stderr_of_last)" "$fmt: stderr is the unreadable-sectors line alone"
	line="passed ($SIZE bytes re-read, the same 11 unreadable sectors in 2 range(s), all hashes equal)"
	assert_eq "$line" "$(log_value "$t.log" 'Verification of source')" "$fmt: log: Verification of source"
	assert_eq "$line" "$(json_read "$t.json" .source_verification)" "$fmt: --json source_verification"
	assert_eq "fx_faultyfs: pass 2" "$(cat "$DIR/fs.err")" "$fmt: the source was read twice"
	check_record "$t"
	if [[ $fmt == raw ]]; then
		assert_same_file "$DIR/expected" "$t.raw" "raw: zeros exactly at the unreadable sectors"
		assert_sha256_file "$DIR" t.sha256 t.raw
	else
		assert_sha256_file "$DIR" t.sha256 t.E01
	fi
}

# The re-read finds 5000+3 readable again and 6000+2 newly unreadable.
test_other_sectors() {
	local t line
	setup other --bad 100+8,5000+3 --bad 100+8,6000+2
	t=$DIR/t
	assert_exit 1 "$FX_ACQUIRE" -q --json --format raw --verify-source "$DIR/mnt/disk" "$t"
	cp "$FX_OUT" "$t.json"
	line="FAILED: the source's unreadable sectors changed since the acquisition (the disk changed or is degrading): 11 in 2 range(s) then, 10 in 2 range(s) now; newly unreadable: 2 sector(s) in 1 range(s), the first at sector 6000; readable again: 3 sector(s) in 1 range(s), the first at sector 5000; hashes differ"
	assert_eq "acquire: verification of the source $line"$'\n'"acquire: 11 unreadable sectors in 2 range(s), zero-filled (see $t.log)" \
		"$(stderr_of_last)" "stderr: the finding, then the unreadable sectors"
	assert_eq "$line" "$(log_value "$t.log" 'Verification of source')" "log: Verification of source"
	assert_eq "$line" "$(json_read "$t.json" .source_verification)" "--json source_verification"
	assert_eq "fx_faultyfs: pass 2" "$(cat "$DIR/fs.err")" "the source was read twice"
	check_record "$t"
	assert_same_file "$DIR/expected" "$t.raw" "the image holds what the acquisition read"
	assert_sha256_file "$DIR" t.sha256 t.raw
}

# An unreadable range grows on both sides (100+8 becomes 98+12) and
# another shrinks to its middle (5000+3 becomes 5001+1): each side of a
# range is counted apart.
test_ranges_change() {
	local t line
	setup ranges --bad 100+8,5000+3 --bad 98+12,5001+1
	t=$DIR/t
	assert_exit 1 "$FX_ACQUIRE" -q --json --format raw --verify-source "$DIR/mnt/disk" "$t"
	cp "$FX_OUT" "$t.json"
	line="FAILED: the source's unreadable sectors changed since the acquisition (the disk changed or is degrading): 11 in 2 range(s) then, 13 in 2 range(s) now; newly unreadable: 4 sector(s) in 2 range(s), the first at sector 98; readable again: 2 sector(s) in 2 range(s), the first at sector 5000; hashes differ"
	assert_eq "$line" "$(log_value "$t.log" 'Verification of source')" "log: Verification of source"
	check_record "$t"
}

# Sectors that read at acquisition fail on the re-read: a mismatch, not
# "could not re-read".
test_new_sectors() {
	local t line
	setup new --bad - --bad 7000+1
	t=$DIR/t
	assert_exit 1 "$FX_ACQUIRE" -q --json --format raw --verify-source "$DIR/mnt/disk" "$t"
	cp "$FX_OUT" "$t.json"
	line="FAILED: the source's unreadable sectors changed since the acquisition (the disk changed or is degrading): 0 in 0 range(s) then, 1 in 1 range(s) now; newly unreadable: 1 sector(s) in 1 range(s), the first at sector 7000; readable again: none; hashes differ"
	assert_eq "acquire: verification of the source $line" "$(stderr_of_last)" "stderr: the finding"
	assert_eq "$line" "$(log_value "$t.log" 'Verification of source')" "log: Verification of source"
	assert_eq completed "$(json_read "$t.json" .status)" "the acquisition itself completed"
	assert_eq "verified|acquire --verify|3|verified|$SIZE|true|0" \
		"$(readback_recorded "$DIR/case.db")" "database: the image verified (its JSON result)"
	assert_same_file "$DIR/source" "$t.raw" "the image is the whole source"
}

# A loop device over the failing file: the source re-read opens the block
# device again (write-blocked) and finds the same sectors.
test_block_device() {
	local t line why loop
	why=$(loop_unavailable)
	[[ -z $why ]] || skip "block device over FUSE: $why"
	setup loop --bad "$(IFS=,; echo "${BAD[*]}")"
	if ! loop=$(losetup --find --show --read-only "$DIR/mnt/disk" 2>&1); then
		skip "losetup over a FUSE file failed: $loop"
	fi
	defer losetup -d "$loop"
	t=$DIR/t
	assert_exit 3 "$FX_ACQUIRE" -q --json --format raw --verify-source "$loop" "$t"
	cp "$FX_OUT" "$t.json"
	line="passed ($SIZE bytes re-read, the same 11 unreadable sectors in 2 range(s), all hashes equal)"
	assert_eq "$line" "$(log_value "$t.log" 'Verification of source')" "block device: log: Verification of source"
	assert_eq "$line" "$(json_read "$t.json" .source_verification)" "block device: --json source_verification"
	check_record "$t"
	assert_same_file "$DIR/expected" "$t.raw" "block device: zeros exactly at the unreadable sectors"
}

main() {
	need_tool sqlite3 openssl sha256sum cmp dd
	fx_begin
	run_part "same sectors, raw" test_same_sectors raw
	run_part "same sectors, E01" test_same_sectors e01
	run_part "other sectors" test_other_sectors
	run_part "ranges that grow and shrink" test_ranges_change
	run_part "new sectors" test_new_sectors
	run_part "block device" test_block_device
	parts_verdict
	fx_pass
}

main "$@"
