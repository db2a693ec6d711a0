#!/usr/bin/env bash
# End to end through a block device: a copy of the sample disk attached
# read-write to a loop device (so that the read-only flag acquire sets is
# its own doing), acquired whole and by partition. Checks the write-block
# record (BLKROSET on the disk and every partition, before/at start/at end),
# that the device really refuses writes afterwards, that the image equals
# the backing file, and that the backing file is unchanged; that an E01 of
# a partition is not physical and one of the disk is; and that
# --no-write-block leaves the flags alone and says so.
# Needs root and loop devices; otherwise SKIP (exit 77).
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# ro_flags DEV: "name=flag" of DEV and its partitions, from blockdev --getro.
ro_flags() {
	local dev=$1 d out=()
	for d in "$dev" "$dev"p1 "$dev"p2; do
		out+=("${d#/dev/}=$(blockdev --getro "$d")")
	done
	echo "${out[*]}"
}

# sorted_words TEXT: the words of TEXT, sorted, one line (the log lists the
# partitions in sysfs order, which is not guaranteed).
sorted_words() {
	tr ' ' '\n' <<<"$1" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# expect_ro LOG LABEL DEV FLAG: the log's "LABEL:" lists DEV and both its
# partitions with read-only flag FLAG.
expect_ro() {
	local log=$1 label=$2 dev=$3 flag=$4 name=${3#/dev/}
	assert_eq "$(sorted_words "${name}=$flag ${name}p1=$flag ${name}p2=$flag")" \
		"$(sorted_words "$(log_value "$log" "$label")")" "log: $label"
}

test_write_blocked() {
	local dev=$1 backing=$2 dir=$FX_WORK/blocked log out
	mkdir "$dir"
	log=$dir/loop.log
	assert_eq "${dev#/dev/}=0 ${dev#/dev/}p1=0 ${dev#/dev/}p2=0" "$(ro_flags "$dev")" \
		"the loop device and its partitions start read-write"
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw "$dev" "$dir/loop"
	cp "$FX_OUT" "$dir/run.json"
	assert_json_completed "$dir/run.json" "$backing"
	assert_same_file "$backing" "$dir/loop.raw" "image of $dev equals its backing file"
	assert_log_completed "$log" "$backing"
	assert_eq "block device" "$(log_value "$log" '  Type')" "log: source type"
	assert_eq "$dev" "$(log_value "$log" '  Path')" "log: source path"
	assert_eq BLKROSET "$(log_value "$log" '  Write-block method')" "log: Write-block method"
	expect_ro "$log" '  Read-only before' "$dev" 0
	expect_ro "$log" '  Read-only at start' "$dev" 1
	expect_ro "$log" 'Read-only at end' "$dev" 1
	assert_eq "${dev#/dev/}=1 ${dev#/dev/}p1=1 ${dev#/dev/}p2=1" "$(ro_flags "$dev")" \
		"blockdev --getro: disk and partitions stay read-only after acquire"
	assert_sha256_file "$dir" loop.sha256 loop.raw
	# the flag is real: the kernel refuses a write to the device now
	if out=$(dd if=/dev/zero of="$dev" bs=512 count=1 conv=notrunc,fsync status=none 2>&1); then
		fail "a write to $dev succeeded after acquire set it read-only"
	fi
	assert_contains "$out" "Operation not permitted" "writing to the write-blocked $dev fails with EPERM"
}

test_partition() {
	local dev=$1 backing=$2 dir=$FX_WORK/partition start sectors log
	mkdir "$dir"
	log=$dir/p1.log
	start=$(manifest_start "$backing" 1)
	sectors=$(awk '$1 == "#" && $2 == "partition" && $3 == 1 { print $7 }' "$backing.files")
	dd if="$backing" of="$dir/expected" bs=512 skip="$start" count="$sectors" status=none
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw "${dev}p1" "$dir/p1"
	cp "$FX_OUT" "$dir/run.json"
	assert_json_completed "$dir/run.json" "$dir/expected"
	assert_same_file "$dir/expected" "$dir/p1.raw" "image of ${dev}p1 equals its sectors of the backing file"
	assert_log_completed "$log" "$dir/expected"
	assert_eq "${dev#/dev/}p1=1" "$(log_value "$log" '  Read-only at start')" "log: partition read-only at start"
	assert_eq "not checked: ${dev}p1 is a partition; HPA/DCO belong to the whole disk" \
		"$(log_value "$log" '  HPA/DCO')" "log: HPA/DCO of a partition"
	assert_contains "$(fls -r -p "$dir/p1.raw")" "README.txt" "fls reads the partition image"
}

# test_e01_physical DEV: an E01 says whether it is of a whole disk
# ("physical") or of a partition, from the source's kind.
test_e01_physical() {
	local dev=$1 dir=$FX_WORK/physical
	if ! have_tool ewfinfo; then
		skip_part "ewfinfo is not installed: E01 'Is physical' not checked"
		return
	fi
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --no-verify --format e01 "${dev}p1" "$dir/p1"
	assert_contains "$(ewfinfo "$dir/p1.E01")" $'Is physical:\t\tno' \
		"E01 of ${dev}p1 is not physical (a partition)"
	assert_exit 0 "$FX_ACQUIRE" -q --no-verify --format e01 "$dev" "$dir/disk"
	assert_contains "$(ewfinfo "$dir/disk.E01")" $'Is physical:\t\tyes' \
		"E01 of $dev is physical (a whole disk)"
}

test_no_write_block() {
	local dev=$1 backing=$2 dir=$FX_WORK/nowb log
	mkdir "$dir"
	log=$dir/nowb.log
	blockdev --setrw "$dev" "$dev"p1 "$dev"p2
	assert_exit 0 "$FX_ACQUIRE" -q --json --no-write-block --format raw "$dev" "$dir/nowb"
	cp "$FX_OUT" "$dir/run.json"
	assert_json_completed "$dir/run.json" "$backing"
	assert_same_file "$backing" "$dir/nowb.raw" "image with --no-write-block equals the backing file"
	assert_eq "disabled (--no-write-block)" "$(log_value "$log" '  Write-block method')" \
		"log: --no-write-block is recorded"
	expect_ro "$log" '  Read-only before' "$dev" 0
	expect_ro "$log" '  Read-only at start' "$dev" 0
	expect_ro "$log" 'Read-only at end' "$dev" 0
	assert_eq "${dev#/dev/}=0 ${dev#/dev/}p1=0 ${dev#/dev/}p2=0" "$(ro_flags "$dev")" \
		"--no-write-block leaves the read-only flags alone"
	assert_contains "$(log_value "$log" 'Command line')" "--no-write-block" "log: command line has the option"
}

main() {
	local why sample backing sum_before mtime_before
	why=$(loop_unavailable)
	[[ -z $why ]] || skip "$why"
	need_tool cmp sha256sum dd fls
	fx_begin
	backing=$FX_WORK/disk.img
	sample=$(sample_disk)
	cp "$sample" "$backing"
	cp "$sample.files" "$backing.files"
	sum_before=$(sha256_of "$backing")
	mtime_before=$(mtime_of "$backing")
	loop_attach "$backing" || skip "$FX_WHY"
	test_write_blocked "$FX_LOOP_DEV" "$backing"
	test_partition "$FX_LOOP_DEV" "$backing"
	test_e01_physical "$FX_LOOP_DEV"
	test_no_write_block "$FX_LOOP_DEV" "$backing"
	assert_eq "$sum_before" "$(sha256_of "$backing")" "the backing file's sha256 is unchanged"
	assert_eq "$mtime_before" "$(mtime_of "$backing")" "the backing file's mtime is unchanged"
	fx_pass
}

main "$@"
