#!/usr/bin/env bash
# End to end: verify on images written by acquire from the sample disk
# (tests/data/make-disk.sh): untouched E01, raw and split raw verify; then
# one byte changed in a chosen segment, a segment truncated, a segment
# removed, an E01 chunk corrupted, a file that is not an image, an image
# without a record, each with its exact finding and exit code, and every
# run with a record recorded as a verification event. Expected values come
# from other tools: md5sum/sha1sum/sha256sum, dd, ewfverify (which sectors
# fail their checksum), sqlite3 (what was recorded).
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576
FX_VERIFY=$FX_BIN/verify
ORIG_MD5='' ORIG_SHA1='' ORIG_SHA256=''

# finding JSON KIND FIELD [NTH]: FIELD of the NTH (0-based) finding of KIND.
finding() {
	local flat idx
	flat=$(json_flatten <"$1") || fail "not valid JSON: $1"
	idx=$(printf '%s\n' "$flat" | awk -F'\t' -v k="$2" -v n="${4:-0}" '
		$1 ~ /^\.findings\[[0-9]+\]\.kind$/ && $2 == k { if (n-- == 0) { s = $1; sub(/^\.findings\[/, "", s); sub(/\].*/, "", s); print s; exit } }')
	[[ -n $idx ]] || fail "no finding of kind $2 in $1: $(head -c 2000 "$1")"
	json_get "$1" ".findings[$idx].$3"
}

# count_findings JSON KIND
count_findings() {
	json_flatten <"$1" | awk -F'\t' -v k="$2" '$1 ~ /^\.findings\[[0-9]+\]\.kind$/ && $2 == k { n++ } END { print n + 0 }'
}

# verify_json EXIT OUT ARGS...: runs verify --json ARGS, expects EXIT, keeps
# the JSON (one line) in OUT.
verify_json() {
	local want=$1 out=$2
	shift 2
	assert_exit "$want" "$FX_VERIFY" --json "$@"
	cp "$FX_OUT" "$out"
	cp "$FX_ERR" "$out.err"
	assert_eq 1 "$(wc -l <"$out")" "verify --json prints one line"
}

# verifications DB ACQ: "result|tool|tool_version|actor|host" of each
# verification of acquisition ACQ made by verify, in order.
verifications() {
	sqlite3 "$1" "SELECT result, tool, tool_version, actor, host FROM verifications WHERE acquisition_id = $2 AND tool = 'verify' ORDER BY id"
}

# assert_recorded DB ACQ RESULT JSON: the last verification of ACQ is
# RESULT, written by verify with who/where/version, with the hashes the
# JSON says were computed.
assert_recorded() {
	local db=$1 acq=$2 result=$3 json=$4 last vid alg
	last=$(verifications "$db" "$acq" | tail -n1)
	assert_eq "$result|verify|0.1.0|$(id -un)|$(hostname)" "$last" "recorded verification of acquisition $acq"
	vid=$(json_get "$json" .verification_id)
	assert_eq "$vid" "$(sqlite3 "$db" "SELECT max(id) FROM verifications")" "--json verification_id is the new row"
	for alg in md5 sha1 sha256; do
		assert_eq "$(json_get "$json" ".computed.$alg")" \
			"$(sqlite3 "$db" "SELECT value FROM hashes WHERE verification_id = $vid AND algorithm = '$alg' AND scope = 'image'")" \
			"recorded computed $alg of verification $vid"
	done
	assert_contains "$(sqlite3 "$db" "SELECT findings FROM verifications WHERE id = $vid")" \
		"\"status\":\"$result\"" "the recorded findings are the result object"
	assert_ne "" "$(sqlite3 "$db" "SELECT time_utc FROM verifications WHERE id = $vid")" "recorded time"
}

assert_verified() {
	local json=$1 format=$2
	assert_eq verified "$(json_get "$json" .status)" "$format: status"
	assert_eq "$format" "$(json_get "$json" .format)" "$format: format"
	assert_eq "$ORIG_MD5" "$(json_get "$json" .computed.md5)" "$format: computed MD5 vs md5sum"
	assert_eq "$ORIG_SHA1" "$(json_get "$json" .computed.sha1)" "$format: computed SHA-1 vs sha1sum"
	assert_eq "$ORIG_SHA256" "$(json_get "$json" .computed.sha256)" "$format: computed SHA-256 vs sha256sum"
	assert_eq "$ORIG_MD5" "$(json_get "$json" .expected.casedb.md5)" "$format: expected MD5 from the record"
	assert_eq 0 "$(json_get "$json" '.findings#')" "$format: no findings"
}

# assert_hash_findings JSON REFERENCE MD5 SHA1 SHA256: the three media hash
# findings against REFERENCE with the original and the given values.
assert_hash_findings() {
	local json=$1 ref=$2 i=0 alg want
	for alg in md5 sha1 sha256; do
		case $alg in md5) want=$3 ;; sha1) want=$4 ;; sha256) want=$5 ;; esac
		while [[ $(finding "$json" hash reference "$i") != "$ref" ]]; do i=$((i + 1)); done
		assert_eq "$alg" "$(finding "$json" hash algorithm "$i")" "hash finding $i algorithm"
		case $alg in
		md5) assert_eq "$ORIG_MD5" "$(finding "$json" hash expected "$i")" "expected MD5 ($ref)" ;;
		sha1) assert_eq "$ORIG_SHA1" "$(finding "$json" hash expected "$i")" "expected SHA-1 ($ref)" ;;
		sha256) assert_eq "$ORIG_SHA256" "$(finding "$json" hash expected "$i")" "expected SHA-256 ($ref)" ;;
		esac
		assert_eq "$want" "$(finding "$json" hash computed "$i")" "computed $alg ($ref) vs the tampered bytes"
		i=$((i + 1))
	done
}

# flip FILE OFFSET: changes the byte at OFFSET (xor 0xff).
flip() {
	local b
	b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
	chmod u+w "$1"
	# shellcheck disable=SC2059 # the format is the byte, built here
	printf "\\x$(printf '%02x' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

test_raw() {
	local src=$1 dir=$FX_WORK/raw off=$((37 * MIB + 4242)) acq t
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --hash-window 1M --case V-RAW --evidence R1 "$src" "$dir/r"
	acq=$(sqlite3 "$dir/case.db" "SELECT acquisition_id FROM image_files WHERE path = '$dir/r.raw'")
	verify_json 0 "$dir/ok.json" "$dir/r.raw"
	assert_verified "$dir/ok.json" raw
	assert_eq "casedb sha256_file" "$(json_get "$dir/ok.json" '.references[0]') $(json_get "$dir/ok.json" '.references[1]')" "raw: references compared"
	assert_eq 64 "$(json_get "$dir/ok.json" .windows.count)" "raw: 64 windows re-hashed"
	assert_recorded "$dir/case.db" "$acq" verified "$dir/ok.json"
	# text output
	assert_exit 0 "$FX_VERIFY" "$dir/r.raw"
	assert_contains "$(stdout_of_last)" "verify: $dir/r.raw: verified" "raw: text verdict"
	assert_contains "$(stdout_of_last)" "MD5:     $ORIG_MD5  matches acquisition record" "raw: text MD5 line"

	flip "$dir/r.raw" "$off"
	t=$FX_WORK/tampered.raw
	cp "$dir/r.raw" "$t"
	verify_json 1 "$dir/bad.json" "$dir/r.raw"
	assert_eq mismatch "$(json_get "$dir/bad.json" .status)" "raw tampered: status"
	assert_eq 3 "$(count_findings "$dir/bad.json" hash)" "raw tampered: three hash findings"
	assert_hash_findings "$dir/bad.json" casedb "$(md5_of "$t")" "$(sha1_of "$t")" "$(sha256_of "$t")"
	assert_eq 1 "$(count_findings "$dir/bad.json" window)" "raw tampered: one window differs"
	assert_eq $((37 * MIB)) "$(finding "$dir/bad.json" window offset)" "raw tampered: the window's offset"
	assert_eq "$MIB" "$(finding "$dir/bad.json" window length)" "raw tampered: the window's length"
	assert_eq "$(dd if="$t" bs=1M skip=37 count=1 status=none | sha256sum | cut -d' ' -f1)" \
		"$(finding "$dir/bad.json" window computed)" "raw tampered: window SHA-256 vs sha256sum of that MiB"
	assert_eq "bytes $((37 * MIB))-$((38 * MIB - 1)) (hash window 37 of $MIB bytes) differ from the acquisition record: expected SHA-256 $(dd if="$src" bs=1M skip=37 count=1 status=none | sha256sum | cut -d' ' -f1), computed $(finding "$dir/bad.json" window computed)" \
		"$(finding "$dir/bad.json" window message)" "raw tampered: window message"
	assert_eq 2 "$(count_findings "$dir/bad.json" file_hash)" "raw tampered: file SHA-256 differs from record and r.sha256"
	assert_eq "$dir/r.raw" "$(finding "$dir/bad.json" file_hash file)" "raw tampered: the file named"
	assert_recorded "$dir/case.db" "$acq" mismatch "$dir/bad.json"
	rm "$t"
	assert_eq "verified verified mismatch" "$(verifications "$dir/case.db" "$acq" | cut -d'|' -f1 | paste -sd' ')" \
		"every run recorded: --json, text, tampered"
}

test_split() {
	local src=$1 dir=$FX_WORK/split seg=$((5 * MIB)) acq t size
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 5M --hash-window 1M --case V-SPLIT --evidence S1 "$src" "$dir/s"
	acq=$(sqlite3 "$dir/case.db" "SELECT DISTINCT acquisition_id FROM image_files")
	verify_json 0 "$dir/ok.json" "$dir/s.001"
	assert_verified "$dir/ok.json" split-raw
	assert_eq 13 "$(json_get "$dir/ok.json" '.files#')" "split: 13 files"
	assert_eq "$(sha256_of "$dir/s.007")" "$(json_get "$dir/ok.json" '.files[6].sha256')" "split: s.007's own SHA-256 vs sha256sum"
	assert_recorded "$dir/case.db" "$acq" verified "$dir/ok.json"

	# one byte in the chosen segment s.004
	cp "$dir/s.004" "$FX_WORK/s.004.orig"
	flip "$dir/s.004" 777
	verify_json 1 "$dir/bad.json" "$dir/s.001"
	cat "$dir"/s.0[0-9][0-9] >"$FX_WORK/joined"
	assert_hash_findings "$dir/bad.json" casedb "$(md5_of "$FX_WORK/joined")" "$(sha1_of "$FX_WORK/joined")" "$(sha256_of "$FX_WORK/joined")"
	rm "$FX_WORK/joined"
	assert_eq 2 "$(count_findings "$dir/bad.json" file_hash)" "split: s.004 differs from record and s.sha256"
	assert_eq "$dir/s.004" "$(finding "$dir/bad.json" file_hash file)" "split: the segment named"
	assert_eq $((3 * seg)) "$(finding "$dir/bad.json" file_hash offset)" "split: s.004's media offset"
	assert_eq "$(sha256_of "$dir/s.004")" "$(finding "$dir/bad.json" file_hash computed)" "split: s.004 SHA-256 vs sha256sum"
	assert_eq "$(sha256_of "$FX_WORK/s.004.orig")" "$(finding "$dir/bad.json" file_hash expected)" "split: s.004 recorded SHA-256"
	assert_eq $((15 * MIB)) "$(finding "$dir/bad.json" window offset)" "split: window 15 ([15, 16) MiB) differs"
	assert_eq 1 "$(count_findings "$dir/bad.json" window)" "split: only that window"
	assert_recorded "$dir/case.db" "$acq" mismatch "$dir/bad.json"
	cp "$FX_WORK/s.004.orig" "$dir/s.004"

	# the last segment truncated: the media is not hashed, but every file
	# the record lists is; s.013 no longer has its recorded SHA-256, which
	# is evidence of change: mismatch naming it (was exit 4, "could not
	# verify", with no file named; issue 10)
	size=$(size_of "$dir/s.013")
	cp "$dir/s.013" "$FX_WORK/s.013.orig"
	chmod u+w "$dir/s.013"
	truncate -s 1000 "$dir/s.013"
	verify_json 1 "$dir/trunc.json" "$dir/s.001"
	assert_eq mismatch "$(json_get "$dir/trunc.json" .status)" "split truncated: status"
	assert_eq "image file $dir/s.013 is truncated: 1000 bytes, recorded $size" \
		"$(finding "$dir/trunc.json" truncated message)" "split truncated: finding"
	assert_eq false "$(json_get "$dir/trunc.json" .hashed)" "split truncated: the media not hashed"
	assert_file_hash_findings "$dir/trunc.json" "$dir/s.013" "$FX_WORK/s.013.orig" "$dir/s.sha256"
	assert_recorded_unhashed "$dir/case.db" "$acq" mismatch
	# a middle segment truncated: the set cannot be opened; s.005 named
	cp "$FX_WORK/s.013.orig" "$dir/s.013"
	cp "$dir/s.005" "$FX_WORK/s.005.orig"
	chmod u+w "$dir/s.005"
	truncate -s 123456 "$dir/s.005"
	verify_json 1 "$dir/trunc5.json" "$dir/s.001"
	assert_contains "$(json_get "$dir/trunc5.json" '.findings[0].message')" \
		"image segment $dir/s.005 is 123456 bytes, the others $seg: truncated or replaced" "split: middle truncated"
	assert_eq "$dir/s.005" "$(finding "$dir/trunc5.json" truncated file)" "split: middle truncated, file"
	assert_file_hash_findings "$dir/trunc5.json" "$dir/s.005" "$FX_WORK/s.005.orig" "$dir/s.sha256"
	cp "$FX_WORK/s.005.orig" "$dir/s.005"
	# a middle segment removed
	mv "$dir/s.006" "$FX_WORK/s.006"
	verify_json 4 "$dir/gone6.json" "$dir/s.001"
	assert_contains "$(finding "$dir/gone6.json" missing message)" \
		"image segment $dir/s.006 is missing" "split: middle segment removed"
	mv "$FX_WORK/s.006" "$dir/s.006"
	# the last segment removed: only the record and s.sha256 know it existed
	mv "$dir/s.013" "$FX_WORK/s.013"
	verify_json 4 "$dir/gone13.json" "$dir/s.001"
	assert_eq "image file $dir/s.013 is missing (recorded by the acquisition)" \
		"$(finding "$dir/gone13.json" missing message)" "split: last segment removed"
	assert_contains "$(cat "$dir/gone13.json.err")" "image file $dir/s.013 is missing" "split: said on stderr too"
	mv "$FX_WORK/s.013" "$dir/s.013"
	verify_json 0 "$dir/again.json" "$dir/s.001"
	verify_json 4 "$dir/second.json" "$dir/s.002"
	assert_eq "$dir/s.002 is not the first file of its image (acquisition $acq begins with $dir/s.001): give the first file" \
		"$(finding "$dir/second.json" not_image message)" "split: not the first file"
	assert_eq 8 "$(verifications "$dir/case.db" "$acq" | wc -l)" "split: every run recorded"
}

# assert_file_hash_findings JSON FILE ORIG SHA256FILE: exactly two file_hash
# findings, both for FILE: its SHA-256 (sha256sum of FILE now) differs from
# the acquisition record and from SHA256FILE, which both hold sha256sum of
# ORIG (the file as acquired).
assert_file_hash_findings() {
	local json=$1 file=$2 orig=$3 list=$4 i
	assert_eq 2 "$(count_findings "$json" file_hash)" "file_hash findings: the record and $(basename "$list")"
	for i in 0 1; do
		assert_eq "$file" "$(finding "$json" file_hash file "$i")" "file_hash finding $i: the file named"
		assert_eq "$(sha256_of "$orig")" "$(finding "$json" file_hash expected "$i")" "file_hash finding $i: expected = sha256sum as acquired"
		assert_eq "$(sha256_of "$file")" "$(finding "$json" file_hash computed "$i")" "file_hash finding $i: computed = sha256sum now"
	done
	assert_eq casedb "$(finding "$json" file_hash reference 0)" "file_hash finding 0: against the record"
	assert_eq sha256_file "$(finding "$json" file_hash reference 1)" "file_hash finding 1: against $(basename "$list")"
}

# assert_recorded_unhashed DB ACQ RESULT: the last verify event of ACQ is
# RESULT and records no media hashes (the media was not read).
assert_recorded_unhashed() {
	assert_eq "$3" "$(verifications "$1" "$2" | tail -n1 | cut -d'|' -f1)" "verification recorded as $3"
	assert_eq 0 "$(sqlite3 "$1" "SELECT count(*) FROM hashes WHERE verification_id = (SELECT max(id) FROM verifications)")" \
		"the media not hashed, no hashes recorded"
}

# assert_recorded_error DB ACQ: the last verify event of ACQ is an error
# without hashes.
assert_recorded_error() {
	assert_eq error "$(verifications "$1" "$2" | tail -n1 | cut -d'|' -f1)" "failed verification recorded as error"
	assert_eq 0 "$(sqlite3 "$1" "SELECT count(*) FROM hashes WHERE verification_id = (SELECT max(id) FROM verifications)")" \
		"nothing hashed, no hashes recorded"
}

# ewfverify's "at sector(s): A - B (number: N)" of IMG.
ewf_bad_sectors() {
	{ ewfverify -q "$1" 2>&1 || true; } | awk '/at sector\(s\):/ { print $3, $5, $7; exit }' | tr -d ')'
}

test_e01() {
	local src=$1 dir=$FX_WORK/e01 acq seg off ranges first last count
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 --segment-size 1M --hash-window 1M --case V-E01 --evidence E1 "$src" "$dir/ev"
	acq=$(sqlite3 "$dir/case.db" "SELECT DISTINCT acquisition_id FROM image_files")
	assert_eq 8 "$(find "$dir" -name 'ev.E0*' | wc -l)" "E01: 8 segments of 1 MiB"
	verify_json 0 "$dir/ok.json" "$dir/ev.E01"
	assert_verified "$dir/ok.json" e01
	assert_eq "$ORIG_MD5" "$(json_get "$dir/ok.json" .expected.e01.md5)" "E01: MD5 stored in the image"
	assert_eq "$ORIG_SHA1" "$(json_get "$dir/ok.json" .expected.e01.sha1)" "E01: SHA-1 stored in the image"
	assert_eq "casedb e01 sha256_file" "$(json_get "$dir/ok.json" '.references[0]') $(json_get "$dir/ok.json" '.references[1]') $(json_get "$dir/ok.json" '.references[2]')" "E01: references"
	assert_eq "$(sha256_of "$dir/ev.E05")" "$(json_get "$dir/ok.json" '.files[4].sha256')" "E01: ev.E05's SHA-256 vs sha256sum"
	assert_recorded "$dir/case.db" "$acq" verified "$dir/ok.json"
	cp -a "$dir" "$FX_WORK/e01.orig"

	# a chunk corrupted in ev.E03 (random data there: stored chunks)
	seg=$dir/ev.E03
	off=$(($(size_of "$seg") / 2))
	flip "$seg" "$off"
	ranges=$(ewf_bad_sectors "$dir/ev.E01")
	read -r first last count <<<"$ranges"
	assert_eq 64 "$count" "ewfverify finds one chunk of 64 sectors"
	verify_json 1 "$dir/chunk.json" "$dir/ev.E01"
	assert_eq 1 "$(count_findings "$dir/chunk.json" chunk)" "E01: one chunk finding"
	assert_eq "$first" "$(finding "$dir/chunk.json" chunk first_sector)" "E01: first bad sector as ewfverify"
	assert_eq 64 "$(finding "$dir/chunk.json" chunk sectors)" "E01: bad sectors as ewfverify"
	assert_eq "E01 chunk $((first / 64)) (sectors $first-$last) fails its checksum" \
		"$(finding "$dir/chunk.json" chunk message)" "E01: chunk message"
	assert_eq 5 "$(count_findings "$dir/chunk.json" hash)" "E01: MD5/SHA-1/SHA-256 vs record, MD5/SHA-1 vs the E01"
	assert_eq "$seg" "$(finding "$dir/chunk.json" file_hash file)" "E01: the segment whose SHA-256 changed"
	assert_eq $((first * 512 / MIB * MIB)) "$(finding "$dir/chunk.json" window offset)" "E01: the window holding the chunk"
	assert_recorded "$dir/case.db" "$acq" mismatch "$dir/chunk.json"
	assert_exit 1 "$FX_VERIFY" "$dir/ev.E01"
	assert_contains "$(stdout_of_last)" "  - E01 chunk $((first / 64)) (sectors $first-$last) fails its checksum" "E01: text finding"

	# a segment removed
	rm -rf "$dir" && cp -a "$FX_WORK/e01.orig" "$dir"
	rm "$dir/ev.E03"
	verify_json 4 "$dir/gone.json" "$dir/ev.E01"
	assert_eq "image segment $dir/ev.E03 is missing ($dir/ev.E02 continues into it)" \
		"$(finding "$dir/gone.json" missing message)" "E01: segment removed"
	assert_recorded_error "$dir/case.db" "$acq"
	# the last segment removed
	rm -rf "$dir" && cp -a "$FX_WORK/e01.orig" "$dir"
	rm "$dir/ev.E08"
	verify_json 4 "$dir/gone8.json" "$dir/ev.E01"
	assert_eq "image segment $dir/ev.E08 is missing ($dir/ev.E07 continues into it)" \
		"$(finding "$dir/gone8.json" missing message)" "E01: last segment removed"
	# a segment truncated: the structure says so, and the segment's
	# SHA-256 says it changed (was exit 4, "could not verify")
	rm -rf "$dir" && cp -a "$FX_WORK/e01.orig" "$dir"
	chmod u+w "$dir/ev.E05"
	truncate -s 400000 "$dir/ev.E05"
	verify_json 1 "$dir/trunc.json" "$dir/ev.E01"
	assert_contains "$(finding "$dir/trunc.json" truncated message)" "image segment $dir/ev.E05 is truncated: " "E01: segment truncated"
	assert_file_hash_findings "$dir/trunc.json" "$dir/ev.E05" "$FX_WORK/e01.orig/ev.E05" "$dir/ev.sha256"
	assert_contains "$(cat "$dir/trunc.json.err")" "verify: $dir/ev.E01: MISMATCH" "E01 truncated: text verdict on stderr"
	rm -rf "$FX_WORK/e01.orig"
}

test_not_image_and_no_record() {
	local src=$1 dir=$FX_WORK/other
	mkdir "$dir"
	echo "this is a note, not evidence" >"$dir/note.E01"
	verify_json 4 "$dir/note.json" "$dir/note.E01"
	assert_eq "$dir/note.E01 is not an EWF (E01) segment file: no EVF signature" \
		"$(finding "$dir/note.json" not_image message)" "not an image: finding"
	assert_contains "$(cat "$dir/note.json.err")" "no case database at $dir/case.db" "not an image: no database beside it"
	assert_missing "$dir/case.db" "verify creates no case database"
	# an image nobody recorded: hashed, shown, status error
	cp "$src" "$dir/loose.raw"
	verify_json 4 "$dir/loose.json" "$dir/loose.raw"
	assert_eq error "$(json_get "$dir/loose.json" .status)" "no record: status"
	assert_eq "$ORIG_SHA256" "$(json_get "$dir/loose.json" .computed.sha256)" "no record: still hashed"
	assert_eq "no acquisition record for $dir/loose.raw: no case database" \
		"$(finding "$dir/loose.json" no_record message)" "no record: finding"
	# ... and with a database that does not know it
	verify_json 4 "$dir/loose2.json" --db "$FX_WORK/raw/case.db" "$dir/loose.raw"
	assert_eq "no acquisition record for $dir/loose.raw in the case database" \
		"$(finding "$dir/loose2.json" no_record message)" "no record in a database: finding"
	# --threads 0 is "all cores" (the default), as for acquire: 33 is out
	# of range (this was --threads 0, refused before)
	assert_exit 2 "$FX_VERIFY" --threads 33 "$dir/loose.raw"
	assert_eq "verify: --threads: invalid number '33' (0..32) (see verify --help)" \
		"$(stderr_of_last)" "usage error"
	assert_exit 2 "$FX_VERIFY"
	rm "$dir/loose.raw"
}

main() {
	need_tool md5sum sha1sum sha256sum sqlite3 ewfverify od truncate
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local src
	src=$(sample_disk)
	ORIG_MD5=$(md5_of "$src")
	ORIG_SHA1=$(sha1_of "$src")
	ORIG_SHA256=$(sha256_of "$src")
	test_raw "$src"
	test_split "$src"
	test_e01 "$src"
	test_not_image_and_no_record "$src"
	fx_pass
}

main "$@"
