#!/usr/bin/env bash
# End to end: acquisitions that cannot finish. A full destination (a
# file-size limit, and a really full tmpfs when we may mount one) must end
# with exit 4, a message naming the file, and a log and summary that tell
# exactly what the image holds. SIGINT/SIGTERM must end with 130/143 and an
# "interrupted" record whose byte count and hash match the partial image.
# SIGKILL leaves the log's honest "running" line.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576
readonly BIG=21474836480 # 20 GiB, sparse

# check_failed_full TARGET JSON SRC ERRTEXT: what a run that hit a full
# destination writing TARGET.raw must leave (JSON: its --json summary).
# ERRTEXT is strerror of the cause.
check_failed_full() {
	local raw=$1.raw log=$1.log json=$2 src=$3 errtext=$4 size have msg
	size=$(size_of "$src")
	have=$(size_of "$raw")
	msg=$(stderr_of_last)
	assert_contains "$msg" "$raw" "stderr names the destination file"
	assert_contains "$msg" "bytes" "stderr says how many bytes"
	assert_contains "$msg" "$errtext" "stderr gives the cause"
	assert_lt 0 "$have" "some of the image was written"
	assert_lt "$have" "$size" "the image is incomplete"
	cmp -s -n "$have" "$src" "$raw" || fail "the partial image is not the start of the source"
	check_ok
	assert_eq failed "$(json_get "$json" .status)" "--json status"
	assert_contains "$(json_get "$json" .error)" "$raw" "--json error names the file"
	assert_eq failed "$(log_value "$log" Status)" "log: final Status"
	assert_contains "$(log_value "$log" Error)" "$errtext" "log: Error line"
	# What the record says was acquired is what the image holds.
	assert_contains "$msg" "($have of $size bytes acquired;" "stderr: bytes acquired = bytes in $raw"
	assert_eq "$have" "$(json_get "$json" .bytes)" "--json bytes = bytes in $raw"
	assert_eq "$have of $size" "$(log_value "$log" 'Bytes acquired')" "log: Bytes acquired = bytes in $raw"
	assert_eq "$(md5_of "$raw")" "$(json_get "$json" .hashes.md5)" "--json MD5 = md5sum of the partial $raw"
	assert_eq "$have" "$(json_get "$json" '.files[0].size')" "--json files[0].size = size of $raw"
	assert_file_line "$log" "  $raw, $have, $(sha256_of "$raw")" "log lists $raw with its real size and sha256"
}

test_file_size_limit() {
	local src=$1 dir=$FX_WORK/ulimit
	mkdir "$dir"
	# bash's ulimit -f counts 1024-byte blocks: 8 MiB for a 64 MiB source.
	assert_exit 4 bash -c 'ulimit -f 8192 && exec "$@"' acquire \
		"$FX_ACQUIRE" -q --json --format raw "$src" "$dir/full"
	assert_eq $((8 * MIB)) "$(size_of "$dir/full.raw")" "the image stops at the 8 MiB limit"
	check_failed_full "$dir/full" "$FX_OUT" "$src" "File too large"
}

test_full_tmpfs() {
	local src=$1 dir=$FX_WORK/tmpfs out
	mkdir -p "$dir/fs"
	if [[ $(id -u) != 0 ]]; then
		skip_part "full file system: needs root to mount a tmpfs"
		return 0
	fi
	if ! out=$(mount -t tmpfs -o size=8m fxfull "$dir/fs" 2>&1); then
		skip_part "full file system: mount -t tmpfs failed: $out"
		return 0
	fi
	defer umount "$dir/fs"
	assert_exit 4 "$FX_ACQUIRE" -q --json --format raw "$src" "$dir/fs/full"
	check_failed_full "$dir/fs/full" "$FX_OUT" "$src" "No space left on device"
}

# wait_for_bytes FILE N PID: until FILE holds N bytes (60 s at most), while
# PID runs.
wait_for_bytes() {
	local i
	for ((i = 0; i < 600; i++)); do
		if [[ -f $1 ]] && (($(size_of "$1") >= $2)); then
			return 0
		fi
		kill -0 "$3" 2>/dev/null || fail "acquire ended before writing $2 bytes: $(cat "$FX_ERR")"
		sleep 0.1
	done
	fail "acquire wrote fewer than $2 bytes to $1 in 60 s"
}

# interrupt SIGNAL EXIT: acquires the sparse 20 GiB source, sends SIGNAL
# once the image has 32 MiB, and checks the interrupted record.
test_interrupt() {
	local src=$1 sig=$2 want=$3 dir=$FX_WORK/$2 pid rc=0 bytes json
	mkdir "$dir"
	json=$dir/int.json
	"$FX_ACQUIRE" -q --json --no-verify --hash md5 --format raw "$src" "$dir/int" \
		>"$json" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_for_bytes "$dir/int.raw" $((32 * MIB)) "$pid"
	kill -"$sig" "$pid"
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq "$want" "$rc" "exit code after SIG$sig"
	assert_eq interrupted "$(log_value "$dir/int.log" Status)" "SIG$sig: log Status"
	bytes=$(json_get "$json" .bytes)
	assert_lt $((32 * MIB - 1)) "$bytes" "SIG$sig: at least the bytes seen before the signal"
	assert_lt "$bytes" "$BIG" "SIG$sig: less than the whole source"
	assert_eq "$bytes of $BIG" "$(log_value "$dir/int.log" 'Bytes acquired')" "SIG$sig: log Bytes acquired"
	assert_eq interrupted "$(json_get "$json" .status)" "SIG$sig: --json status"
	assert_eq "$BIG" "$(json_get "$json" .size)" "SIG$sig: --json size"
	assert_eq "$bytes" "$(size_of "$dir/int.raw")" "SIG$sig: the image holds exactly the bytes acquired"
	assert_eq "$(md5_of "$dir/int.raw")" "$(json_get "$json" .hashes.md5)" "SIG$sig: --json MD5 = md5sum of the image"
	assert_eq "$(md5_of "$dir/int.raw")" "$(log_hash "$dir/int.log" MD5)" "SIG$sig: log MD5 = md5sum of the image"
	assert_contains "$(stderr_of_last)" "interrupted" "SIG$sig: stderr says interrupted"
	assert_contains "$(stderr_of_last)" "interrupted by SIG$sig after $bytes of $BIG bytes" "SIG$sig: stderr gives the byte count"
	rm -f "$dir/int.raw"
}

# An E01 that hits a 2 MiB file-size limit: the run fails (exit 4) naming
# the segment, and what was left is recorded exactly: the segment's real
# size and SHA-256 (hashed after the failure) in the log, --json and the
# case database; no TARGET.sha256, which is only for a finished image.
test_file_size_limit_e01() {
	local src=$1 dir=$FX_WORK/ulimit-e01 e01 have sum
	mkdir "$dir"
	e01=$dir/full.E01
	assert_exit 4 bash -c 'ulimit -f 2048 && exec "$@"' acquire \
		"$FX_ACQUIRE" -q --json --format e01 "$src" "$dir/full"
	have=$(size_of "$e01")
	sum=$(sha256_of "$e01")
	assert_eq $((2 * MIB)) "$have" "E01: the segment stops at the 2 MiB limit"
	assert_contains "$(stderr_of_last)" "acquire: failed: cannot write E01 segment $e01 at byte $((2 * MIB)): File too large (writing media byte" \
		"E01: stderr names the segment"
	assert_eq failed "$(json_get "$FX_OUT" .status)" "E01: --json status"
	assert_contains "$(json_get "$FX_OUT" .error)" "$e01" "E01: --json error names the segment"
	assert_eq failed "$(log_value "$dir/full.log" Status)" "E01: log Status"
	assert_eq "$have" "$(json_get "$FX_OUT" '.files[0].size')" "E01: --json size of the segment"
	assert_eq "$sum" "$(json_get "$FX_OUT" '.files[0].sha256')" "E01: --json SHA-256 of what was left"
	assert_file_line "$dir/full.log" "  $e01, $have, $sum" "E01: log lists the segment with its real size and SHA-256"
	assert_eq "failed|$have|$sum" \
		"$(sqlite3 "$dir/case.db" "SELECT a.status, f.size_bytes, f.sha256 FROM acquisitions a JOIN image_files f ON f.acquisition_id = a.id")" \
		"E01: the case database records the failure and the segment as left"
	assert_missing "$dir/full.sha256" "E01: no TARGET.sha256 for a failed run"
}

# An interrupted E01 is not read back, so its segment is not hashed (the
# user asked to stop; an incomplete E01 is no image): every record says so
# instead of giving a value, and no TARGET.sha256 claims otherwise; the
# acquisition stays open for acquire --resume.
test_interrupt_e01() {
	local src=$1 dir=$FX_WORK/e01int pid rc=0 json size
	mkdir "$dir"
	json=$dir/int.json
	"$FX_ACQUIRE" -q --json --hash md5 --format e01 "$src" "$dir/int" >"$json" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_for_bytes "$dir/int.E01" $((1 * MIB)) "$pid"
	kill -INT "$pid"
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq 130 "$rc" "E01: exit code after SIGINT"
	assert_eq interrupted "$(log_value "$dir/int.log" Status)" "E01: log Status"
	assert_eq interrupted "$(json_get "$json" .status)" "E01: --json status"
	size=$(size_of "$dir/int.E01")
	assert_eq "$dir/int.E01" "$(json_get "$json" '.files[0].path')" "E01: --json lists the segment"
	assert_eq "$size" "$(json_get "$json" '.files[0].size')" "E01: --json size of the segment"
	assert_eq null "$(json_get "$json" '.files[0].sha256')" "E01: --json gives no SHA-256"
	assert_file_line "$dir/int.log" "  $dir/int.E01, $size, (not computed: the acquisition was interrupted)" \
		"E01: the log says why the segment has no SHA-256"
	assert_eq skipped "$(log_value "$dir/int.log" 'Verification of image')" "E01: not verified"
	assert_missing "$dir/int.sha256" "E01: no TARGET.sha256 for an interrupted E01"
	# left resumable (docs/resume.md, E01): the row stays open, its
	# files are recorded when a resume finishes it
	assert_eq "running|0|1" \
		"$(sqlite3 "$dir/case.db" "SELECT status, (SELECT count(*) FROM image_files), (SELECT count(*) FROM audit_log WHERE action = 'acquisition.checkpoint') FROM acquisitions")" \
		"E01: the case database keeps the acquisition open for a resume, one checkpoint, no file yet"
	rm -f "$dir/int.E01"
}

test_sigkill() {
	local src=$1 dir=$FX_WORK/KILL pid rc=0
	mkdir "$dir"
	"$FX_ACQUIRE" -q --no-verify --hash md5 --format raw "$src" "$dir/int" \
		>"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_for_bytes "$dir/int.raw" $((32 * MIB)) "$pid"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq 137 "$rc" "SIGKILL: killed"
	assert_eq 0 "$(grep -c '^Status:' "$dir/int.log" || true)" "SIGKILL: the log claims no final Status"
	assert_eq "running (the final status follows under Result; a log without a Result section is from a run that never finished)" \
		"$(log_value "$dir/int.log" 'Status at start')" "SIGKILL: the log says the run did not finish"
	assert_eq 0 "$(grep -c '^End (UTC):\|^Bytes acquired:' "$dir/int.log" || true)" \
		"SIGKILL: no result is claimed"
	assert_eq "$BIG bytes ($((BIG / 512)) sectors of 512 bytes)" \
		"$(log_value "$dir/int.log" '  Size')" "SIGKILL: the log's first half is on disk"
	rm -f "$dir/int.raw"
}

main() {
	need_tool cmp md5sum sha256sum truncate sqlite3
	fx_begin
	local src big
	src=$(sample_disk)
	big=$FX_WORK/sparse-20G.img
	truncate -s "$BIG" "$big"
	test_interrupt "$big" INT 130
	test_interrupt "$big" TERM 143
	test_interrupt_e01 "$big"
	test_sigkill "$big"
	rm -f "$big"
	test_file_size_limit "$src"
	test_file_size_limit_e01 "$src"
	test_full_tmpfs "$src"
	fx_pass
}

main "$@"
