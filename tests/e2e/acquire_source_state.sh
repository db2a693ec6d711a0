#!/usr/bin/env bash
# End to end: what a run of acquire leaves on the read-only flags of a block
# device (docs/architecture.md, acquire(1) WRITE-BLOCK). A copy of the
# sample disk is attached read-write to a loop device with its partitions.
#  - A run that ends before its first read (destination on the source with
#    a partition mounted read-write, existing output, a database that is not
#    a case database, a log that cannot be created, a failure inside the
#    write-block itself, SIGINT while waiting for the database) exits with its documented code and leaves
#    every flag as it found it (blockdev --getro), saying which it restored;
#    a flag that was already set before the run stays set.
#  - A run that has started reading (completed, or failed on a full
#    destination) leaves every flag set, as the log says ("Read-only at
#    end"), until the examiner clears them with blockdev --setrw.
# Needs root, loop devices and mount; otherwise SKIP (exit 77), per part
# where only one part cannot run.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

DEV= # the loop device
N=   # its kernel name (loop3)

# ro_flags: "name=flag" of the disk and both partitions (blockdev --getro).
ro_flags() {
	local d out=()
	for d in "$DEV" "$DEV"p1 "$DEV"p2; do
		out+=("${d#/dev/}=$(blockdev --getro "$d")")
	done
	echo "${out[*]}"
}

# set_flags D P1 P2: sets the three flags (0 or 1) with blockdev.
set_flags() {
	local d flag i=0 nodes=("$DEV" "$DEV"p1 "$DEV"p2)
	for flag in "$@"; do
		d=${nodes[i]}
		i=$((i + 1))
		if [[ $flag == 1 ]]; then blockdev --setro "$d"; else blockdev --setrw "$d"; fi
	done
}

# assert_stderr LINE...: the last run printed exactly these lines on stderr.
assert_stderr() {
	local want
	want=$(printf '%s\n' "$@")
	assert_eq "$want" "$(stderr_of_last)" "stderr of the last run"
}

# restored_line SOURCE FLAGS [KEPT]: acquire's line for a run that read
# nothing and cleared FLAGS (left KEPT set).
restored_line() {
	local line="acquire: read-only flags restored (nothing was read from $1): $2"
	[[ -z ${3:-} ]] || line+="; already read-only before the run, left set: $3"
	printf '%s\n' "$line"
}

# The issue's case: a partition mounted read-write, --allow-mounted, the
# destination on that partition. Refused (exit 2) before a byte is read,
# and the live file system's device is read-write again, as it was.
test_destination_on_mounted_source() {
	local mnt=$FX_WORK/mnt out
	mkdir "$mnt"
	if ! out=$(mount -o rw "${DEV}p1" "$mnt" 2>&1); then
		skip_part "destination on a mounted source: mount ${DEV}p1 failed: $out"
		return 0
	fi
	defer umount "$mnt"
	sync -f "$mnt"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "flags before the refused runs"
	assert_exit 2 "$FX_ACQUIRE" -q --format raw --allow-mounted "$DEV" "$mnt/img"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" \
		"blockdev --getro after refusing a destination on the mounted disk"
	# refused before the write-block: no flag was ever set, none restored
	assert_stderr "acquire: destination $mnt/img lies on the source device $DEV (the same disk)"
	# the same with the mounted partition itself as the source
	assert_exit 2 "$FX_ACQUIRE" -q --format raw --allow-mounted "${DEV}p1" "$mnt/img"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" \
		"blockdev --getro after refusing a destination on the mounted partition"
	assert_stderr "acquire: destination $mnt/img lies on the source device ${DEV}p1 (the same disk)"
	assert_eq "" "$(find "$mnt" -maxdepth 1 -name 'img*')" "nothing written on the mounted partition"
	# the live file system still takes writes down to its device
	dd if=/dev/zero of="$mnt/written-after" bs=4096 count=4 conv=fsync status=none ||
		fail "the mounted file system no longer takes writes after the refused runs"
	check_ok
	rm "$mnt/written-after"
	umount "$mnt"
}

# Existing output: refused (exit 2) after the source was write-blocked;
# the flags found clear are cleared again, one found set stays set, and
# nothing is said when every flag was already set.
test_existing_output() {
	local dir=$FX_WORK/existing
	mkdir "$dir"
	echo "earlier evidence" >"$dir/case.raw"
	assert_exit 2 "$FX_ACQUIRE" -q --format raw "$DEV" "$dir/case"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "blockdev --getro after refusing existing output"
	assert_stderr "acquire: refusing to overwrite existing file $dir/case.raw" \
		"$(restored_line "$DEV" "$N=0 ${N}p1=0 ${N}p2=0")"

	set_flags 0 0 1
	assert_exit 2 "$FX_ACQUIRE" -q --format raw "$DEV" "$dir/case"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=1" "$(ro_flags)" "a flag set before the run stays set after a refusal"
	assert_stderr "acquire: refusing to overwrite existing file $dir/case.raw" \
		"$(restored_line "$DEV" "$N=0 ${N}p1=0" "${N}p2=1")"

	set_flags 1 1 1
	assert_exit 2 "$FX_ACQUIRE" -q --format raw "$DEV" "$dir/case"
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(ro_flags)" "flags all set before the run stay set after a refusal"
	assert_stderr "acquire: refusing to overwrite existing file $dir/case.raw"
	set_flags 0 0 0

	# --no-write-block changes nothing, so there is nothing to restore
	assert_exit 2 "$FX_ACQUIRE" -q --format raw --no-write-block "$DEV" "$dir/case"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "--no-write-block refusal leaves the flags alone"
	assert_stderr "acquire: refusing to overwrite existing file $dir/case.raw"
	assert_eq "earlier evidence" "$(cat "$dir/case.raw")" "the existing file is unchanged"
	assert_eq "case.raw" "$(ls "$dir")" "nothing else written"
}

# A database acquire cannot use: exit 4 before reading, flags restored.
test_bad_database() {
	local dir=$FX_WORK/baddb
	mkdir "$dir"
	printf 'not a database at all, %s\n' {1..200} >"$dir/case.db"
	assert_exit 4 "$FX_ACQUIRE" -q --format raw "$DEV" "$dir/t"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "blockdev --getro after a database error"
	assert_stderr "acquire: case database: $dir/case.db is not a case database (not an SQLite file)" \
		"$(restored_line "$DEV" "$N=0 ${N}p1=0 ${N}p2=0")"
}

# A target whose files' names are one byte too long for the file system:
# refused (exit 4) when the names are checked, after the write-block and
# before anything is written (no log, no database); flags restored.
test_log_error() {
	local dir=$FX_WORK/logerr name
	mkdir "$dir"
	name=$(printf 'a%.0s' {1..252})
	assert_exit 4 "$FX_ACQUIRE" -q --format raw "$DEV" "$dir/$name"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "blockdev --getro after the names could not be checked"
	assert_stderr "acquire: cannot check $dir/$name.log: File name too long" \
		"$(restored_line "$DEV" "$N=0 ${N}p1=0 ${N}p2=0")"
	assert_eq "" "$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n')" "nothing written"
}

# The write-block itself fails half-way (the node of p2 is not p2's
# device): the open fails (exit 4) and clears the flags it had set.
test_write_block_fails() {
	local out
	if ! out=$(mount --bind /dev/null "${DEV}p2" 2>&1); then
		skip_part "write-block failing half-way: mount --bind /dev/null ${DEV}p2 failed: $out"
		return 0
	fi
	defer umount "${DEV}p2"
	assert_exit 4 "$FX_ACQUIRE" -q --format raw "$DEV" "$FX_WORK/wbfail"
	umount "${DEV}p2"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "blockdev --getro after a failed write-block"
	assert_stderr "acquire: write-block: cannot open partition ${DEV}p2 of $DEV: Block device required (read-only flags restored: $N=0 ${N}p1=0)"
	assert_missing "$FX_WORK/wbfail.raw" "no image after a failed write-block"
}

# SIGINT before the first read: acquire waits for the case database
# (locked by another writer); the flags it set are cleared, the log and
# stderr say so, and the exit code is 130.
test_signal_before_reading() {
	local dir=$FX_WORK/signal pid rc=0 i size log
	mkdir "$dir"
	head -c 65536 /dev/zero >"$dir/small"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --db "$dir/case.db" "$dir/small" "$dir/small-img"
	lock_database "$dir/case.db"
	"$FX_ACQUIRE" -q --format raw --db "$dir/case.db" "$DEV" "$dir/t" >"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	for ((i = 0; i < 200; i++)); do
		[[ $(blockdev --getro "$DEV"p2) == 1 ]] && break
		sleep 0.05
	done
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(ro_flags)" "flags set while acquire waits for the database"
	kill -INT "$pid"
	sleep 0.2
	unlock_database
	wait "$pid" || rc=$?
	assert_eq 130 "$rc" "exit code after SIGINT before reading"
	size=$(blockdev --getsize64 "$DEV")
	log=$dir/t.log
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "blockdev --getro after SIGINT before reading"
	assert_stderr "$(restored_line "$DEV" "$N=0 ${N}p1=0 ${N}p2=0")" \
		"acquire: interrupted by SIGINT after 0 of $size bytes; the image is incomplete (log $log)"
	assert_eq interrupted "$(log_value "$log" Status)" "log: Status"
	assert_eq "0 of $size" "$(log_value "$log" 'Bytes acquired')" "log: Bytes acquired"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(log_value "$log" '  Read-only before')" "log: Read-only before"
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(log_value "$log" '  Read-only at start')" "log: Read-only at start"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(log_value "$log" 'Read-only at end')" "log: Read-only at end"
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0 (nothing was read)" \
		"$(log_value "$log" 'Write-block undone')" "log: Write-block undone"
	assert_eq "interrupted|0|interrupted after 0 bytes; nothing was read; read-only flags restored: $N=0 ${N}p1=0 ${N}p2=0" \
		"$(sqlite3 "$dir/case.db" "SELECT status, bytes_acquired, error FROM acquisitions WHERE source_path = '$DEV'")" \
		"database: the run is recorded as interrupted with 0 bytes, and the flags as restored"
}

# Reading started: the flags stay set whatever the outcome, recorded in
# the log, until the examiner clears them.
test_after_reading() {
	local dir=$FX_WORK/done full=$FX_WORK/full out
	mkdir "$dir" "$full"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$DEV" "$dir/disk"
	assert_eq "" "$(stderr_of_last)" "a completed run says nothing about the flags on stderr"
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(ro_flags)" "a completed run leaves the flags set"
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(log_value "$dir/disk.log" 'Read-only at end')" "log: Read-only at end (completed)"
	assert_eq 0 "$(grep -c '^Write-block undone:' "$dir/disk.log" || true)" "log: no Write-block undone line (completed)"
	# the examiner's way back, as acquire(1) says: the nodes listed =0 in
	# "Read-only before"
	blockdev --setrw "$DEV" "$DEV"p1 "$DEV"p2
	assert_eq "$N=0 ${N}p1=0 ${N}p2=0" "$(ro_flags)" "blockdev --setrw clears them"

	if ! out=$(mount -t tmpfs -o size=8m tmpfs "$full" 2>&1); then
		skip_part "failed run after reading: mount tmpfs failed: $out"
		return 0
	fi
	defer umount "$full"
	assert_exit 4 "$FX_ACQUIRE" -q --format raw --db "$dir/case.db" "$DEV" "$full/disk"
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(ro_flags)" "a run that failed after reading leaves the flags set"
	assert_eq failed "$(log_value "$full/disk.log" Status)" "log: Status (disk full)"
	assert_eq "$N=1 ${N}p1=1 ${N}p2=1" "$(log_value "$full/disk.log" 'Read-only at end')" "log: Read-only at end (failed)"
	assert_not_contains "$(stderr_of_last)" "read-only flags restored" "no restore after reading started"
	set_flags 0 0 0
}

main() {
	local why sample backing
	why=$(loop_unavailable)
	[[ -z $why ]] || skip "$why"
	need_tool sqlite3 python3
	fx_begin
	backing=$FX_WORK/disk.img
	sample=$(sample_disk)
	cp "$sample" "$backing"
	loop_attach "$backing" || skip "$FX_WHY"
	DEV=$FX_LOOP_DEV
	N=${DEV#/dev/}
	test_destination_on_mounted_source
	test_existing_output
	test_bad_database
	test_log_error
	test_write_block_fails
	test_signal_before_reading
	test_after_reading
	fx_pass
}

main "$@"
