#!/usr/bin/env bash
# End to end: split raw sets of many files. A set of 260 one-MiB segments
# is acquired (with its read-back) and verified by a process allowed only
# 64 open files: the readers open segments as they reach them, not all at
# once ("Too many open files" before). --segment-size below 1 MiB (the E01
# minimum too) is refused with one line and exit 2 before anything is
# written: no image file, no log, no database, no row in an existing one.
# An interrupted split raw acquisition (SIGTERM) leaves no TARGET.sha256,
# and the log says why: `sha256sum -c` must never pass on part of a set.
# A set checked against its TARGET.sha256 alone names a changed segment
# and an emptied last one (hashed from storage), exit 1.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576
readonly NSEG=260
readonly BIG=21474836480 # 20 GiB, sparse

# seg_names PREFIX N: PREFIX.001 ... PREFIX.N, one per line.
seg_names() {
	local i
	for ((i = 1; i <= $2; i++)); do
		printf '%s.%03d\n' "$1" "$i"
	done
}

# under_ulimit N CMD...: CMD with at most N open files.
under_ulimit() {
	local n=$1
	shift
	bash -c 'ulimit -n "$0" && exec "$@"' "$n" "$@"
}

test_many_segments() {
	local dir=$FX_WORK/many src names size
	mkdir "$dir"
	src=$FX_WORK/zero-260M.img
	truncate -s $((NSEG * MIB)) "$src"
	size=$((NSEG * MIB))
	assert_exit 0 under_ulimit 64 "$FX_ACQUIRE" -q --format raw --segment-size 1M \
		--case SPLIT --evidence MANY "$src" "$dir/m"
	mapfile -t names < <(seg_names m "$NSEG")
	assert_eq "$(printf '%s\n' case.db m.log m.sha256 "${names[@]}" | LC_ALL=C sort)" \
		"$(find "$dir" -mindepth 1 -maxdepth 1 ! -name 'case.db-*' -printf '%f\n' | LC_ALL=C sort)" \
		"the set is m.001 ... m.$NSEG beside its log, .sha256 and case.db"
	assert_eq "$MIB" "$(cd "$dir" && stat -c %s "${names[@]}" | sort -u)" "every segment is exactly 1 MiB"
	assert_eq "passed ($size bytes re-read, all hashes equal)" \
		"$(log_value "$dir/m.log" 'Verification of image')" "read back with 64 descriptors: passed"
	assert_eq "$dir/m.sha256" "$(log_value "$dir/m.log" 'SHA-256 file')" "log: the .sha256 file was written"
	assert_sha256_file "$dir" m.sha256 "${names[@]}"

	assert_exit 0 under_ulimit 64 "$FX_BIN/verify" "$dir/m.001"
	assert_eq "verify: $dir/m.001: verified" "$(head -n1 "$FX_OUT")" "verify with 64 descriptors: verified"
	assert_file_line "$FX_OUT" "  image:    split raw, $size bytes ($((size / 512)) sectors of 512 bytes), $NSEG files" \
		"verify: every segment is in the set"
	assert_file_line "$FX_OUT" "  files:    $NSEG of $NSEG match their recorded SHA-256" \
		"verify: every segment's SHA-256 compared"
	rm -f "$src"
}

# refused_segment SIZE VALUE DIR ARGS...: acquire --segment-size SIZE is
# refused with exactly one line naming VALUE (bytes), exit 2, nothing on
# stdout.
refused_segment() {
	local size=$1 value=$2
	shift 2
	assert_exit 2 "$FX_ACQUIRE" -q --format raw --segment-size "$size" "$@"
	assert_eq "acquire: --segment-size $value is below the minimum of 1048576 bytes (1 MiB) for a split raw image" \
		"$(stderr_of_last)" "--segment-size $size: the one-line refusal"
	assert_eq "" "$(stdout_of_last)" "--segment-size $size: nothing on stdout"
}

test_segment_minimum() {
	local dir=$FX_WORK/min src before after
	mkdir -p "$dir/new" "$dir/old"
	src=$FX_WORK/small.img
	truncate -s 8K "$src"
	# a new destination: nothing at all is created
	refused_segment 1 1 "$src" "$dir/new/t"
	refused_segment 1023K 1047552 "$src" "$dir/new/t"
	refused_segment 1048575 1048575 "$src" "$dir/new/t"
	assert_eq "" "$(find "$dir/new" -mindepth 1 -printf '%f\n')" "no image, log or database for a refused run"
	# an existing case database gains no row and no audit event
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case MIN "$src" "$dir/old/first"
	before=$(sqlite3 "$dir/old/case.db" "SELECT (SELECT count(*) FROM acquisitions) || '|' || (SELECT count(*) FROM audit_log)")
	refused_segment 1 1 --db "$dir/old/case.db" --case MIN "$src" "$dir/old/t"
	after=$(sqlite3 "$dir/old/case.db" "SELECT (SELECT count(*) FROM acquisitions) || '|' || (SELECT count(*) FROM audit_log)")
	assert_eq "$before" "$after" "the case database is unchanged (acquisitions|audit events)"
	assert_eq "" "$(find "$dir/old" -mindepth 1 -name 't.*' -printf '%f\n')" "no t.* file"
	# the minimum itself is accepted
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 1M "$src" "$dir/new/ok"
	assert_eq 8192 "$(size_of "$dir/new/ok.001")" "--segment-size 1M: one segment of the 8 KiB source"
}

# wait_for_file FILE PID: until FILE exists (60 s at most), while PID runs.
wait_for_file() {
	local i
	for ((i = 0; i < 600; i++)); do
		[[ -e $1 ]] && return 0
		kill -0 "$2" 2>/dev/null || fail "acquire ended before writing $1: $(cat "$FX_ERR")"
		sleep 0.1
	done
	fail "acquire did not write $1 in 60 s"
}

test_sigterm_no_sha256() {
	local dir=$FX_WORK/term big json pid rc=0 n bytes last
	mkdir "$dir"
	big=$FX_WORK/sparse-20G.img
	truncate -s "$BIG" "$big"
	json=$dir/int.json
	"$FX_ACQUIRE" -q --json --no-verify --hash md5 --format raw --segment-size 1M \
		"$big" "$dir/int" >"$json" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_for_file "$dir/int.033" "$pid" # 32 segments complete
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq 143 "$rc" "exit code after SIGTERM"
	assert_eq interrupted "$(log_value "$dir/int.log" Status)" "log: Status"
	assert_missing "$dir/int.sha256" "no TARGET.sha256 for an interrupted split raw set"
	assert_eq "not written: the acquisition was interrupted, so the image files are not the whole image" \
		"$(log_value "$dir/int.log" 'SHA-256 file')" "log: why there is no TARGET.sha256"
	# the files left are each listed as they are, and hold exactly the bytes acquired
	n=$(find "$dir" -name 'int.[0-9][0-9][0-9]' | wc -l)
	assert_lt 32 "$n" "at least 33 segments were written"
	assert_eq "$n" "$(json_read "$json" '.files#')" "--json lists every segment left"
	bytes=$(json_read "$json" .bytes)
	assert_eq "$bytes" "$(cd "$dir" && cat int.[0-9][0-9][0-9] | wc -c)" "the segments hold exactly the bytes acquired"
	last=$(printf '%s/int.%03d' "$dir" "$n")
	assert_file_line "$dir/int.log" "  $dir/int.001, $MIB, $(sha256_of "$dir/int.001")" "log: int.001 with its SHA-256"
	assert_file_line "$dir/int.log" "  $last, $(size_of "$last"), $(sha256_of "$last")" "log: the last segment as left"
	rm -f "$big" "$dir"/int.[0-9]*
}

# A set checked against its TARGET.sha256 alone (no case database): each
# segment's SHA-256 is taken from the media read (the SHA-256 thread's
# second lane for a set of equal segments). A byte changed in the middle
# segment is named with its hashes; a last segment emptied is hashed from
# storage (the media read gives it no bytes) and named too: exit 1.
test_sidecar_only() {
	local dir=$FX_WORK/sidecar want002 want003 e3=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
	mkdir "$dir"
	head -c $((3 * MIB)) /dev/zero |
		openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
			-iv 0f0e0d0c0b0a09080706050403020100 >"$dir/src"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 1M "$dir/src" "$dir/t"
	rm -f "$dir/case.db" "$dir"/case.db-* "$dir/t.log"
	want002=$(sha256_of "$dir/t.002")
	want003=$(sha256_of "$dir/t.003")
	assert_exit 4 "$FX_BIN/verify" "$dir/t.001"
	assert_file_line "$FX_OUT" "  files:    3 of 3 match their recorded SHA-256" "untouched: every segment matches"

	printf 'X' | dd of="$dir/t.002" bs=1 seek=12345 conv=notrunc status=none
	assert_exit 1 "$FX_BIN/verify" "$dir/t.001"
	assert_eq "verify: $dir/t.001: MISMATCH" "$(head -n1 "$FX_OUT")" "a changed segment: MISMATCH"
	assert_file_line "$FX_OUT" "  files:    2 of 3 match their recorded SHA-256" "a changed segment: 2 of 3"
	assert_file_line "$FX_OUT" "  - image file $dir/t.002 (media bytes 1048576-2097151): SHA-256 differs from $dir/t.sha256: expected $want002, computed $(sha256_of "$dir/t.002")" \
		"the changed segment named, with both hashes"
	dd if="$dir/src" of="$dir/t.002" bs=1 skip=$((MIB + 12345)) seek=12345 count=1 conv=notrunc status=none

	truncate -s 0 "$dir/t.003"
	assert_exit 1 "$FX_BIN/verify" "$dir/t.001"
	assert_file_line "$FX_OUT" "  files:    2 of 3 match their recorded SHA-256" "an emptied last segment: 2 of 3"
	assert_file_line "$FX_OUT" "  - image file $dir/t.003: SHA-256 differs from $dir/t.sha256: expected $want003, computed $e3" \
		"the emptied last segment named, hashed from storage"
}

main() {
	need_tool sha256sum truncate sqlite3 stat openssl dd
	fx_begin
	run_part "260 segments with 64 descriptors" test_many_segments
	run_part "--segment-size minimum" test_segment_minimum
	run_part "SIGTERM leaves no TARGET.sha256" test_sigterm_no_sha256
	run_part "checked against TARGET.sha256 alone" test_sidecar_only
	parts_verdict
	fx_pass
}

main "$@"
