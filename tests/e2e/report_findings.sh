#!/usr/bin/env bash
# End to end: the text and HTML reports of an evidence item verified ten
# times state each verification's findings as sentences and tables, never
# as the JSON result verify records (that stays in the JSON report). The
# ten: acquire's read-back (the same JSON result since issue 11, against
# the acquisition without its list or windows; a line of text before),
# four clean runs of verify, two after one byte of the image was changed,
# two after it was put back, and one hashing MD5 only. Expected values come from md5sum, sha1sum,
# sha256sum and dd; sentences are compared whole (line breaks of the
# wrapped text made spaces, HTML tags removed) and counted.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify
readonly MIB=1048576

# unwrapped FILE: the text with each line break and the indentation after
# it made one space.
unwrapped() {
	awk '{ sub(/^ +/, ""); printf "%s ", $0 }' "$1"
}

# html_text FILE: the HTML's text, tags removed, one line.
html_text() {
	sed -e 's/<[^>]*>//g' "$1" | tr '\n' ' '
}

# count TEXT NEEDLE: how often the fixed string NEEDLE occurs in TEXT.
count() {
	local n=0 rest=$1
	while [[ $rest == *"$2"* ]]; do
		rest=${rest#*"$2"}
		n=$((n + 1))
	done
	echo "$n"
}

# assert_sentence TEXT SENTENCE TIMES WHAT
assert_sentence() {
	assert_eq "$3" "$(count "$1" " $2 ")" "$4: \"$2\" $3 time(s)"
}

main() {
	need_tool sqlite3 dd
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local dir=$FX_WORK/lab src=$FX_WORK/src.bin img db i md5 sha1 sha256
	local md5x sha1x sha256x w0 w0x text html t h tail
	mkdir "$dir"
	db=$dir/case.db
	img=$dir/t.raw
	head -c $((4 * MIB)) /dev/zero | tr '\0' 'R' >"$src"
	printf 'libforensic' | dd of="$src" bs=1 seek=3000000 conv=notrunc status=none
	md5=$(md5_of "$src") sha1=$(sha1_of "$src") sha256=$(sha256_of "$src")
	w0=$(head -c $MIB "$src" | sha256sum | cut -d' ' -f1)

	assert_exit 0 "$FX_ACQUIRE" -q -f raw --hash-window 1M --case C-10 --evidence HD-1 "$src" "$dir/t"
	for i in 1 2 3 4; do
		assert_exit 0 "$FX_VERIFY" -q "$img"
	done
	chmod u+w "$img"
	printf 'X' | dd of="$img" bs=1 seek=1000000 conv=notrunc status=none
	md5x=$(md5_of "$img") sha1x=$(sha1_of "$img") sha256x=$(sha256_of "$img")
	w0x=$(head -c $MIB "$img" | sha256sum | cut -d' ' -f1)
	for i in 1 2; do
		assert_exit 1 "$FX_VERIFY" -q "$img"
	done
	cp "$src" "$img"
	for i in 1 2; do
		assert_exit 0 "$FX_VERIFY" -q "$img"
	done
	assert_exit 0 "$FX_VERIFY" -q --hash md5 "$img"
	assert_eq 10 "$(sqlite3 "$db" "SELECT count(*) FROM verifications")" "ten verifications recorded"
	assert_eq 10 "$(sqlite3 "$db" "SELECT count(*) FROM verifications WHERE findings LIKE '{\"%'")" \
		"verify and acquire's read-back recorded their JSON result, ten times"

	assert_exit 0 "$FX_VERIFY" report --db "$db" --case C-10 --format text -o "$FX_WORK/r.txt"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case C-10 --format html -o "$FX_WORK/r.html"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case C-10 --format json -o "$FX_WORK/r.json"
	assert_eq 0 "$(grep -c '{"' "$FX_WORK/r.txt" || true)" "text report: no JSON object"
	assert_eq 0 "$(grep -c -e '{"' -e '{&quot;' "$FX_WORK/r.html" || true)" "HTML report: no JSON object"
	assert_eq 10 "$(grep -c '\\"status\\":' "$FX_WORK/r.json")" "the JSON report keeps the recorded results"

	text=$(unwrapped "$FX_WORK/r.txt")
	html=$(html_text "$FX_WORK/r.html")
	for t in "$text" "$html"; do
		[[ $t == "$text" ]] && h=text || h=HTML
		# acquire's read-back is one more of each, but compared before
		# TARGET.sha256 was written (its text "Passed (4194304 bytes
		# re-read, all hashes equal)." is the log's and --json's now)
		assert_sentence "$t" "Passed (4194304 bytes re-read, all hashes equal)." 0 "$h"
		assert_sentence "$t" "The image $img (raw, 1 file) holds 4194304 bytes = 8192 sectors of 512 bytes." 10 "$h"
		assert_sentence "$t" "All 4194304 bytes were read and hashed." 10 "$h"
		assert_sentence "$t" "Compared with the acquisition record (acquisition 1) and the list $dir/t.sha256." 9 "$h"
		assert_sentence "$t" "Compared with the acquisition record (acquisition 1)." 1 "$h"
		assert_sentence "$t" "All three hashes match the acquisition record (MD5 $md5, SHA-1 $sha1, SHA-256 $sha256)." 7 "$h"
		assert_sentence "$t" "The image file matches its recorded SHA-256." 7 "$h"
		assert_sentence "$t" "All 4 hash windows of 1048576 bytes match the acquisition record." 7 "$h"
		assert_sentence "$t" "The MD5 differs from the acquisition record: recorded $md5, computed $md5x." 2 "$h"
		assert_sentence "$t" "The SHA-1 differs from the acquisition record: recorded $sha1, computed $sha1x." 2 "$h"
		assert_sentence "$t" "The SHA-256 differs from the acquisition record: recorded $sha256, computed $sha256x." 2 "$h"
		assert_sentence "$t" "The image file does not match its recorded SHA-256." 2 "$h"
		assert_sentence "$t" "File $img: SHA-256 differs from the acquisition record: recorded $sha256, computed $sha256x. It holds media bytes 0 to 4194303." 2 "$h"
		assert_sentence "$t" "File $img: SHA-256 differs from the list $dir/t.sha256: listed $sha256, computed $sha256x. It holds media bytes 0 to 4194303." 2 "$h"
		assert_sentence "$t" "1 of the 4 hash windows of 1048576 bytes differs from the acquisition record, in these byte ranges:" 2 "$h"
		assert_sentence "$t" "The MD5 matches the acquisition record (MD5 $md5)." 1 "$h"
	done
	# the window that differs, as a table with both hashes whole
	tail=$(printf '    #  First byte  Last byte  Bytes    Windows\n    1  0           1048575    1048576  1\n    recorded %s\n    computed %s' "$w0" "$w0x")
	assert_eq 2 "$(count "$(cat "$FX_WORK/r.txt")" "$tail")" "text: the differing window's table"
	assert_eq 2 "$(count "$(cat "$FX_WORK/r.html")" "<tr><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">1048575</td><td class=\"n\">1048576</td><td class=\"n\">1</td></tr>
<tr><td></td><td colspan=\"4\">recorded <span class=\"hash\">$w0</span><br>computed <span class=\"hash\">$w0x</span></td></tr>")" \
		"HTML: the differing window's table"
	# the acquisition's parameters as words, not JSON
	assert_contains "$text" "Parameters:           block_size 1048576, compression none, ewf_format \"\", format raw, hash_window 1048576, hashes 7," \
		"text: parameters as words"
	fx_pass
}

main "$@"
