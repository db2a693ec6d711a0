#!/usr/bin/env bash
# End to end: acquire --copy (issue 12, several destinations at once). The
# sample disk is written to two and three destinations from one read (E01,
# raw, split raw), each checked by an independent tool (cmp, sha256sum -c,
# ewfverify) and by `verify` through the case database; a copy on a small
# tmpfs that fills fails at its exact byte while the others complete
# (exit 4; log, --json and database agree on the byte); TARGET failing
# while its copy completes; and the refusals, before anything is written.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify

# db DB SQL: one query's output.
db() {
	sqlite3 "$1" "$2"
}

# cat_files OUT FILE...: the files' bytes, concatenated, into OUT.
cat_files() {
	local out=$1
	shift
	cat "$@" >"$out"
}

# assert_copy_json JSON I TARGET FORMAT STATUS BYTES FAILED_AT: copy I
# (0-based in .copies) as --json says it.
assert_copy_json() {
	local j=$1 i=$2
	assert_eq "$((i + 1))" "$(json_read "$j" ".copies[$i].copy")" "--json copies[$i].copy"
	assert_eq "$3" "$(json_read "$j" ".copies[$i].target")" "--json copies[$i].target"
	assert_eq "$4" "$(json_read "$j" ".copies[$i].format")" "--json copies[$i].format"
	assert_eq "$5" "$(json_read "$j" ".copies[$i].status")" "--json copies[$i].status"
	assert_eq "$6" "$(json_read "$j" ".copies[$i].bytes")" "--json copies[$i].bytes"
	assert_eq "$7" "$(json_read "$j" ".copies[$i].failed_at")" "--json copies[$i].failed_at"
}

# assert_verified DB IMAGE: `verify` finds IMAGE's record in DB (as the
# copy it is) and verifies it.
assert_verified() {
	assert_exit 0 "$FX_VERIFY" --db "$1" "$2"
	assert_eq "verify: $2: verified" "$(head -n1 "$FX_OUT")" "verify of $2 through the case database"
}

# Two destinations: E01 master and raw working copy.
test_two_copies() {
	local src=$1 dir=$FX_WORK/two size md5 sha1 sha256 j
	size=$(size_of "$src")
	md5=$(md5_of "$src")
	sha1=$(sha1_of "$src")
	sha256=$(sha256_of "$src")
	mkdir -p "$dir/m" "$dir/w"
	assert_exit 0 "$FX_ACQUIRE" -q --json "$src" "$dir/m/t" --copy "$dir/w/t" --copy-format raw
	j=$dir/run.json
	cp "$FX_OUT" "$j"
	assert_completed_json "$j" "$src"
	assert_eq 1 "$(json_read "$j" '.copies#')" "--json lists one copy"
	assert_copy_json "$j" 0 "$dir/w/t" raw completed "$size" null
	assert_eq "passed ($size bytes re-read, all hashes equal)" \
		"$(json_read "$j" '.copies[0].verification')" "--json copy verification"
	assert_eq "$dir/w/t.sha256" "$(json_read "$j" '.copies[0].sha256_file')" "--json copy sha256 file"
	assert_ewfverify "$dir/m/t.E01" "$md5" "$sha1"
	assert_same_file "$src" "$dir/w/t.raw" "the raw copy equals the source"
	assert_sha256_file "$dir/w" t.sha256 t.raw
	assert_eq "$sha256" "$(sha256_of "$dir/w/t.raw")" "the copy's SHA-256 is the source's"
	assert_file_line "$dir/m/t.log" "  Copy 1:               $dir/w/t (raw)" "log: the copy among the parameters"
	assert_file_line "$dir/m/t.log" "Copy 1:                 $dir/w/t (raw)" "log: the copy's result"
	assert_file_line "$dir/m/t.log" "  Status:               completed" "log: the copy completed"
	assert_file_line "$dir/m/t.log" "  Bytes written:        $size of $size" "log: the copy's bytes"
	assert_file_line "$dir/m/t.log" "    $dir/w/t.raw, $size, $sha256" "log: the copy's file"
	assert_file_line "$dir/m/t.log" "  Verification:         passed ($size bytes re-read, all hashes equal)" \
		"log: the copy's read-back"
	assert_missing "$dir/w/t.log" "the copy has no log of its own (TARGET's says every destination)"
	assert_eq "0|$dir/m/t|e01|completed|$size||
1|$dir/w/t|raw|completed|$size||" \
		"$(db "$dir/m/case.db" "SELECT copy_number, target, format, status, bytes_written, failed_at, error FROM image_sets ORDER BY copy_number")" \
		"database: one image set per destination"
	assert_eq "$dir/w/t.raw|$size|$sha256" \
		"$(db "$dir/m/case.db" 'SELECT path, size_bytes, sha256 FROM image_set_files')" \
		"database: the copy's file"
	assert_eq "1|1" "$(db "$dir/m/case.db" 'SELECT count(*), (SELECT count(DISTINCT acquisition_id) FROM image_sets) FROM acquisitions')" \
		"database: one acquisition, which every image set belongs to"
	assert_eq 2 "$(db "$dir/m/case.db" "SELECT count(*) FROM verifications WHERE tool = 'acquire --verify' AND result = 'verified'")" \
		"database: each destination's read-back recorded"
	assert_eq "$dir/w/t|raw|0" \
		"$(db "$dir/m/case.db" "SELECT json_extract(parameters_json, '\$.copies[0].target') || '|' || json_extract(parameters_json, '\$.copies[0].format') || '|' || json_extract(parameters_json, '\$.copies[0].segment_size') FROM acquisitions")" \
		"database: the copies among the recorded parameters"
	assert_verified "$dir/m/case.db" "$dir/w/t.raw"
	assert_verified "$dir/m/case.db" "$dir/m/t.E01"
	assert_exit 0 "$FX_VERIFY" audit --db "$dir/m/case.db"
	assert_exit 0 "$FX_VERIFY" list --db "$dir/m/case.db"
	assert_contains "$(stdout_of_last)" "      copy 1: $dir/w/t (raw), completed, $size bytes, 1 file(s)" \
		"verify list shows the copy"
}

# Three copies besides TARGET: split raw, E01, one raw file, and a copy in
# TARGET's own layout (no --copy-format).
test_three_copies() {
	local src=$1 dir=$FX_WORK/three size md5 sha1 j f n
	size=$(size_of "$src")
	md5=$(md5_of "$src")
	sha1=$(sha1_of "$src")
	mkdir -p "$dir/a" "$dir/b" "$dir/c" "$dir/d"
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw --segment-size 16M "$src" "$dir/a/t" \
		--copy "$dir/b/t" --copy-format e01 --copy "$dir/c/t" --copy-format raw --copy "$dir/d/t"
	j=$dir/run.json
	cp "$FX_OUT" "$j"
	assert_completed_json "$j" "$src"
	assert_copy_json "$j" 0 "$dir/b/t" e01 completed "$size" null
	assert_copy_json "$j" 1 "$dir/c/t" raw completed "$size" null
	assert_copy_json "$j" 2 "$dir/d/t" split-raw completed "$size" null
	n=$((size / 16777216))
	for f in a d; do
		assert_sha256_file "$dir/$f" t.sha256 t.001 t.002 t.003 t.004
		cat_files "$dir/$f.cat" "$dir/$f"/t.00[1-4]
		assert_same_file "$src" "$dir/$f.cat" "the split raw set in $f is the source"
	done
	assert_eq 4 "$n" "the sample disk is four 16 MiB segments"
	assert_ewfverify "$dir/b/t.E01" "$md5" "$sha1"
	assert_same_file "$src" "$dir/c/t.raw" "the one-file raw copy is the source"
	assert_sha256_file "$dir/c" t.sha256 t.raw
	assert_eq "0|split-raw|completed|4
1|e01|completed|$(db "$dir/a/case.db" 'SELECT count(*) FROM image_set_files f JOIN image_sets s ON s.id = f.image_set_id WHERE s.copy_number = 1')
2|raw|completed|1
3|split-raw|completed|4" \
		"$(db "$dir/a/case.db" "SELECT s.copy_number, s.format, s.status, CASE s.copy_number WHEN 0 THEN (SELECT count(*) FROM image_files) ELSE (SELECT count(*) FROM image_set_files f WHERE f.image_set_id = s.id) END FROM image_sets s ORDER BY s.copy_number")" \
		"database: four image sets with their files"
	assert_verified "$dir/a/case.db" "$dir/b/t.E01"
	assert_verified "$dir/a/case.db" "$dir/c/t.raw"
	assert_verified "$dir/a/case.db" "$dir/d/t.001"
	# a copy's file changed after the fact is found by its own record
	chmod u+w "$dir/c/t.raw"
	printf 'X' | dd of="$dir/c/t.raw" bs=1 seek=1000000 conv=notrunc status=none
	assert_exit 1 "$FX_VERIFY" --db "$dir/a/case.db" "$dir/c/t.raw"
	assert_contains "$(head -n1 "$FX_OUT")" "MISMATCH" "verify finds the changed copy"
}

# A copy on a tmpfs of 8 MiB fills: it fails at its exact byte, left as
# written; TARGET and the other copy complete and verify; exit 4.
test_full_copy() {
	local src=$1 dir=$FX_WORK/full size md5 sha1 out have j
	size=$(size_of "$src")
	md5=$(md5_of "$src")
	sha1=$(sha1_of "$src")
	mkdir -p "$dir/m" "$dir/fs" "$dir/e"
	if [[ $(id -u) != 0 ]]; then
		skip_part "a copy that fills up: needs root to mount a tmpfs"
		return 0
	fi
	if ! out=$(mount -t tmpfs -o size=8m fxcopyfull "$dir/fs" 2>&1); then
		skip_part "a copy that fills up: mount -t tmpfs failed: $out"
		return 0
	fi
	defer umount "$dir/fs"
	assert_exit 4 "$FX_ACQUIRE" -q --json --format raw "$src" "$dir/m/t" \
		--copy "$dir/fs/t" --copy "$dir/e/t" --copy-format e01
	j=$dir/run.json
	cp "$FX_OUT" "$j"
	have=$(size_of "$dir/fs/t.raw")
	assert_lt 0 "$have" "some of the full copy was written"
	assert_lt "$have" "$size" "the full copy is partial"
	cmp -s -n "$have" "$src" "$dir/fs/t.raw" || fail "the partial copy is not the start of the source"
	check_ok
	# the acquisition and the other destinations are complete
	assert_completed_json "$j" "$src"
	assert_same_file "$src" "$dir/m/t.raw" "TARGET is complete"
	assert_sha256_file "$dir/m" t.sha256 t.raw
	assert_ewfverify "$dir/e/t.E01" "$md5" "$sha1"
	assert_copy_json "$j" 0 "$dir/fs/t" raw failed "$have" "$have"
	assert_copy_json "$j" 1 "$dir/e/t" e01 completed "$size" null
	assert_contains "$(json_read "$j" '.copies[0].error')" "No space left on device" "--json: why the copy failed"
	assert_eq "not written: the acquisition failed, so the image files are not the whole image" \
		"$(json_read "$j" '.copies[0].sha256_file')" "--json: no .sha256 for the failed copy"
	assert_missing "$dir/fs/t.sha256" "no .sha256 beside a partial copy"
	assert_contains "$(stderr_of_last)" "acquire: copy 1 $dir/fs/t failed at byte $have of $size: " \
		"stderr names the failed copy and its byte"
	assert_file_line "$dir/m/t.log" "Copy 1:                 $dir/fs/t (raw)" "log: the failed copy"
	assert_eq "failed at byte $have of $size: $(json_read "$j" '.copies[0].error') (its files are left as written: a partial image)" \
		"$(awk '/^Copy 1:/ { c = 1 } c && /^  Status:/ { sub(/^  Status: */, ""); print; exit }' "$dir/m/t.log")" \
		"log: the copy failed at its byte"
	assert_file_line "$dir/m/t.log" "  Bytes written:        $have of $size" "log: the copy's bytes"
	assert_file_line "$dir/m/t.log" "Status:                 completed" "log: the acquisition completed"
	assert_eq "1|failed|$have|$have" \
		"$(db "$dir/m/case.db" 'SELECT copy_number, status, bytes_written, failed_at FROM image_sets WHERE copy_number = 1')" \
		"database: the copy failed at its byte"
	assert_eq "$dir/fs/t.raw|$have" \
		"$(db "$dir/m/case.db" 'SELECT f.path, f.size_bytes FROM image_set_files f JOIN image_sets s ON s.id = f.image_set_id WHERE s.copy_number = 1')" \
		"database: the partial file as left"
	assert_eq "0|completed 2|completed" \
		"$(db "$dir/m/case.db" "SELECT group_concat(copy_number || '|' || status, ' ') FROM image_sets WHERE copy_number <> 1")" \
		"database: the other destinations completed"
	assert_eq completed "$(db "$dir/m/case.db" 'SELECT status FROM acquisitions')" "database: the acquisition completed"
	assert_verified "$dir/m/case.db" "$dir/e/t.E01"
	assert_exit 4 "$FX_VERIFY" --db "$dir/m/case.db" "$dir/fs/t.raw"
	assert_exit 0 "$FX_VERIFY" audit --db "$dir/m/case.db"
	check_reports "$dir/m/case.db" "$dir/fs/t" "$have"
}

# check_reports DB TARGET BYTE: the reports put the failed copy (TARGET,
# copy 1, failed at BYTE) on the first page and list every image set; the
# JSON report is valid against schemas/report.schema.json.
check_reports() {
	local db=$1 copy=$2 at=$3 out=$FX_WORK/report err
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case unassigned --format text -o "$out.txt"
	assert_contains "$(tr -s ' \n' ' ' <"$out.txt")" "copy 1 $copy failed at byte $at (" \
		"text report: the failed copy on the first page"
	assert_file_line "$out.txt" "    Status:             failed at byte $at (a partial image)" \
		"text report: the copy's status"
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case unassigned --format json -o "$out.json"
	assert_eq "failed|$at|raw" "$(python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))["evidence"][0]["acquisitions"][0]["image_sets"][1]
print("%s|%s|%s" % (s["status"], s["failed_at"], s["format"]))' "$out.json")" "JSON report: the copy's image set"
	if python3 -c 'import jsonschema' 2>/dev/null; then
		err=$(python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
			"$FX_ROOT/schemas/report.schema.json" "$out.json" 2>&1) ||
			fail "the JSON report is not valid against its schema: $err"
		check_ok
	else
		skip_part "python3 jsonschema is not installed: the JSON report is not validated"
	fi
	assert_exit 0 "$FX_VERIFY" report --db "$db" --case unassigned --format html -o "$out.html"
	assert_contains "$(cat "$out.html")" "<h4>Copy 1</h4>" "HTML report: the copy"
}

# TARGET fills up while its copy completes: the run fails (TARGET's record
# is that of a failed image), the copy is complete and verifies.
test_target_fails() {
	local src=$1 dir=$FX_WORK/tfail size out have j
	size=$(size_of "$src")
	mkdir -p "$dir/fs" "$dir/w"
	if [[ $(id -u) != 0 ]]; then
		skip_part "TARGET that fills up: needs root to mount a tmpfs"
		return 0
	fi
	if ! out=$(mount -t tmpfs -o size=8m fxtargetfull "$dir/fs" 2>&1); then
		skip_part "TARGET that fills up: mount -t tmpfs failed: $out"
		return 0
	fi
	defer umount "$dir/fs"
	assert_exit 4 "$FX_ACQUIRE" -q --json --format raw --db "$dir/case.db" "$src" "$dir/fs/t" \
		--copy "$dir/w/t"
	j=$dir/run.json
	cp "$FX_OUT" "$j"
	have=$(size_of "$dir/fs/t.raw")
	assert_lt "$have" "$size" "TARGET is partial"
	assert_eq failed "$(json_read "$j" .status)" "--json: the run failed"
	assert_contains "$(json_read "$j" .error)" "TARGET failed at byte $have: " "--json: TARGET's byte"
	assert_copy_json "$j" 0 "$dir/w/t" raw completed "$size" null
	assert_same_file "$src" "$dir/w/t.raw" "the copy is complete"
	assert_sha256_file "$dir/w" t.sha256 t.raw
	assert_eq "0|failed|$have|$have
1|completed|$size|" \
		"$(db "$dir/case.db" 'SELECT copy_number, status, bytes_written, failed_at FROM image_sets ORDER BY copy_number')" \
		"database: TARGET failed at its byte, the copy completed"
	assert_verified "$dir/case.db" "$dir/w/t.raw"
}

# Refusals: exit 2, one line, nothing written anywhere.
test_refusals() {
	local src=$1 dir=$FX_WORK/refuse
	mkdir -p "$dir/a" "$dir/b"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/a/t" --copy-format raw
	assert_eq "acquire: --copy $dir/a/t and TARGET $dir/a/t are the same name in the same directory: their files would share names; give each destination its own name (see acquire --help)" \
		"$(stderr_of_last)" "the same target twice"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/t" --copy "$dir/b/../b/t.E01"
	assert_eq "acquire: --copy $dir/b/../b/t.E01 and --copy $dir/b/t are the same name in the same directory: their files would share names; give each destination its own name (see acquire --help)" \
		"$(stderr_of_last)" "two copies of one name (typed differently)"
	touch "$dir/b/u.raw"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/u" --copy-format raw
	assert_eq "acquire: refusing to overwrite existing file $dir/b/u.raw" \
		"$(stderr_of_last)" "an existing file at a copy's name"
	ln -s /nonexistent "$dir/b/v.E05"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/v"
	assert_eq "acquire: refusing to overwrite existing file $dir/b/v.E05 (a symbolic link, never followed)" \
		"$(stderr_of_last)" "a link in a copy's E01 name family"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy-format raw --copy "$dir/b/w"
	assert_eq "acquire: --copy-format raw: give it after the --copy it is for (see acquire --help)" \
		"$(stderr_of_last)" "--copy-format before its --copy"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/w" --copy-format raw --copy-format e01
	assert_eq "acquire: --copy-format e01: that --copy has a --copy-format already (see acquire --help)" \
		"$(stderr_of_last)" "two formats for one copy"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/w" --copy-format dd
	assert_eq "acquire: --copy-format: unknown format 'dd' (raw, split-raw or e01) (see acquire --help)" \
		"$(stderr_of_last)" "an unknown copy format"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/w" --copy-format split-raw
	assert_eq "acquire: --copy-format split-raw (copy 1) needs --segment-size (see acquire --help)" \
		"$(stderr_of_last)" "split raw without a segment size"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/1" --copy "$dir/b/2" \
		--copy "$dir/b/3" --copy "$dir/b/4"
	assert_eq "acquire: --copy $dir/b/4: at most 3 copies besides TARGET (see acquire --help)" \
		"$(stderr_of_last)" "a fourth copy"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/b/w.raw"
	assert_eq "acquire: --copy $dir/b/w.raw ends in .raw, but --copy-format e01 writes TARGET.E01, TARGET.E02, ...: give --copy without an extension (see acquire --help)" \
		"$(stderr_of_last)" "a copy's extension that lies about its format"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/a/t" --copy "$dir/nonexistent/w"
	assert_eq "acquire: destination directory $dir/nonexistent: No such file or directory" \
		"$(stderr_of_last)" "a copy's directory that does not exist"
	assert_eq "" "$(ls -A "$dir/a")" "nothing written at TARGET"
	assert_eq "u.raw v.E05" "$(ls -A "$dir/b" | tr '\n' ' ' | sed 's/ $//')" "nothing written at the copies"
}

main() {
	need_tool sqlite3 ewfverify cmp
	fx_begin
	local src
	src=$(sample_disk)
	test_refusals "$src"
	test_two_copies "$src"
	test_three_copies "$src"
	test_full_copy "$src"
	test_target_fails "$src"
	fx_pass
}

main "$@"
