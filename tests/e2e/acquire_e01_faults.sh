#!/usr/bin/env bash
# End to end: unreadable sectors. The sample disk is acquired through a
# source that fails chosen sectors (tests/tools/fx_faulty_acquire, the
# library's pipeline and sinks with a fault-injecting fx_source), and, as
# root with device-mapper, by the real acquire tool from a block device
# whose sectors map to dm's `error` target. Each image must list exactly
# those sectors (--json, log, ewfinfo -e) and hold zeros exactly there and
# the source's bytes everywhere else (ewfexport + cmp against a zero-filled
# copy, ewfverify, img_stat). Multi-segment sets, 4096-byte sectors and raw
# images too. The device-mapper part prints a SKIP line where dm, loop
# devices or root are missing; the rest runs anywhere.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576
FX_TESTS_BIN=${FX_TESTS_BIN:-$FX_ROOT/build/tests}
FAULTY=$FX_TESTS_BIN/fx_faulty_acquire

# Unreadable 512-byte sectors of the 64 MiB sample disk, each over bytes
# that are not all zero (checked): the primary GPT header (1) and the
# backup one, the very last sector (131071); runs across a 1 MiB
# read block and a 64-sector chunk (51200), across a 1 MiB segment of raw
# chunks (31 chunks = 1984 sectors: 55552), over several chunks, and three
# ranges that touch or overlap and must be listed as one (60000+8).
readonly BAD=(1+1 51198+4 55550+5 57000+130 60000+2 60002+3 60004+4 131071+1)
readonly BAD_MERGED=(1+1 51198+4 55550+5 57000+130 60000+8 131071+1)
# The same idea in 4096-byte sectors (disk of 16384): 6400 starts the 26th
# 1 MiB block; 16383 is the last sector.
readonly BAD4K=(6200+2 6399+2 16383+1)

# ranges_sum RANGE...: total sectors.
ranges_sum() {
	local r n=0
	for r in "$@"; do
		n=$((n + ${r#*+}))
	done
	echo "$n"
}

# assert_ranges_nonzero SRC SSZ RANGE...: each range of SRC holds a non-zero
# byte, so that a zero-filled range is visible in the image.
assert_ranges_nonzero() {
	local src=$1 ssz=$2 r
	shift 2
	for r in "$@"; do
		assert_lt 0 "$(dd if="$src" bs="$ssz" skip="${r%+*}" count="${r#*+}" status=none |
			tr -d '\0' | wc -c)" "test precondition: sectors $r of the source are not all zeros"
	done
}

# assert_json_bad JSON RANGE...: .bad_sectors is exactly RANGE... (merged).
assert_json_bad() {
	local json=$1 i=0 r
	shift
	assert_eq "$#" "$(json_read "$json" '.bad_sectors#')" "--json: number of unreadable ranges"
	for r in "$@"; do
		assert_eq "${r%+*} ${r#*+}" \
			"$(json_read "$json" ".bad_sectors[$i][0]") $(json_read "$json" ".bad_sectors[$i][1]")" \
			"--json: unreadable range $i"
		i=$((i + 1))
	done
}

# assert_json_hashes JSON DATA: the hashes of the acquisition are those of
# DATA (the zero-filled copy): what the image holds.
assert_json_hashes() {
	assert_eq "$(md5_of "$2")" "$(json_read "$1" .hashes.md5)" "--json MD5 = md5sum of the zero-filled copy"
	assert_eq "$(sha1_of "$2")" "$(json_read "$1" .hashes.sha1)" "--json SHA-1 = sha1sum of the zero-filled copy"
	assert_eq "$(sha256_of "$2")" "$(json_read "$1" .hashes.sha256)" "--json SHA-256 = sha256sum of the zero-filled copy"
}

# faulty_json JSON EXIT ARGS...: fx_faulty_acquire ARGS exits EXIT and
# prints one JSON line, kept in JSON.
faulty_json() {
	local json=$1 want=$2
	shift 2
	assert_exit "$want" "$FAULTY" "$@"
	cp "$FX_OUT" "$json"
	assert_eq 1 "$(wc -l <"$json")" "fx_faulty_acquire prints one JSON line"
}

# check_faulty_run JSON SRC EXPECTED SSZ RETRIES RANGE...: a run over SRC with
# the sectors RANGE (merged) unreadable, each tried 1 + RETRIES times alone.
check_faulty_run() {
	local json=$1 src=$2 expected=$3 ssz=$4 retries=$5 n
	shift 5
	n=$(ranges_sum "$@")
	assert_eq completed_with_errors "$(json_read "$json" .status)" "status with unreadable sectors"
	assert_eq "$(size_of "$src")" "$(json_read "$json" .bytes)" "every byte is accounted for"
	assert_eq "$ssz" "$(json_read "$json" .sector_size)" "sector size of the run"
	assert_json_bad "$json" "$@"
	assert_eq "$n" "$(json_read "$json" .bad_sector_count)" "number of unreadable sectors"
	assert_eq $((n * (retries + 1))) "$(json_read "$json" .bad_sector_reads)" \
		"each unreadable sector is read alone 1 + $retries times"
	assert_json_hashes "$json" "$expected"
	assert_eq "" "$(json_read "$json" .error)" "no error"
}

# check_e01_with_errors IMG EXPECTED SSZ RANGE...: what the real tools see.
check_e01_with_errors() {
	local img=$1 expected=$2 ssz=$3
	shift 3
	assert_ewf_errors "$img" "$@"
	assert_ewfverify "$img" "$(md5_of "$expected")" "$(sha1_of "$expected")"
	assert_img_stat "$img" "$(size_of "$expected")" "$ssz" "$(md5_of "$expected")"
	assert_ewfexport_equals "$img" "$expected"
}

test_e01_single() {
	local src=$1 expected=$2 dir=$FX_WORK/e01 args=() r
	mkdir "$dir"
	for r in "${BAD[@]}"; do
		args+=(--bad "$r")
	done
	faulty_json "$dir/run.json" 3 "${args[@]}" --case FAULT-1 --evidence "bad disk" \
		--examiner "Ex Aminer" --description "fails $(ranges_sum "${BAD_MERGED[@]}") sectors" \
		--notes "dm-less" --model "FX Model 1000" --serial "SN-0001 A" --physical --removable \
		"$src" "$dir/t"
	check_faulty_run "$dir/run.json" "$src" "$expected" 512 2 "${BAD_MERGED[@]}"
	assert_eq "$dir/t.E01" "$(json_read "$dir/run.json" '.files[0].path')" "the E01 is listed"
	assert_eq "$(sha256_of "$dir/t.E01")" "$(json_read "$dir/run.json" '.files[0].sha256')" "sha256 of the E01"
	assert_eq 1 "$(json_read "$dir/run.json" '.files#')" "one segment"
	check_e01_with_errors "$dir/t.E01" "$expected" 512 "${BAD_MERGED[@]}"
	local info
	info=$(ewfinfo "$dir/t.E01")
	assert_ewf_field "$info" "Case number" "FAULT-1" "ewfinfo case number"
	assert_ewf_field "$info" "Evidence number" "bad disk" "ewfinfo evidence number"
	assert_ewf_field "$info" "Examiner name" "Ex Aminer" "ewfinfo examiner"
	assert_ewf_field "$info" "Description" "fails $(ranges_sum "${BAD_MERGED[@]}") sectors" "ewfinfo description"
	assert_ewf_field "$info" "Notes" "dm-less" "ewfinfo notes"
	assert_ewf_field "$info" "Model" "FX Model 1000" "ewfinfo model"
	assert_ewf_field "$info" "Serial number" "SN-0001 A" "ewfinfo serial number"
	assert_ewf_field "$info" "Is physical" "yes" "ewfinfo: a physical device"
	assert_ewf_field "$info" "Media type" "removable disk" "ewfinfo: removable media"
	assert_ewf_field "$info" "Bytes per sector" 512 "ewfinfo bytes per sector"
	assert_ewf_field "$info" "Number of sectors" 131072 "ewfinfo number of sectors"
}

# 67 segments of raw chunks (see acquire_e01.sh), one range across the
# boundary of segments 28 and 29; no retries.
test_e01_segments() {
	local src=$1 expected=$2 dir=$FX_WORK/segments args=() r i count
	mkdir "$dir"
	for r in "${BAD[@]}"; do
		args+=(--bad "$r")
	done
	faulty_json "$dir/run.json" 3 "${args[@]}" --retries 0 --compression none \
		--segment-size 1M --threads 2 "$src" "$dir/m"
	check_faulty_run "$dir/run.json" "$src" "$expected" 512 0 "${BAD_MERGED[@]}"
	count=$(json_read "$dir/run.json" '.files#')
	assert_eq 67 "$count" "1 MiB segments of raw chunks for 64 MiB"
	assert_eq 67 "$(find "$dir" -name 'm.E[0-9][0-9]' | wc -l)" "segment files m.E01..m.E67"
	for ((i = 1; i <= count; i++)); do
		r=$(printf '%s/m.E%02d' "$dir" "$i")
		assert_eq "$r" "$(json_read "$dir/run.json" ".files[$((i - 1))].path")" "segment $i is listed in order"
		assert_lt "$(size_of "$r")" $((MIB + 1)) "$r is at most 1 MiB"
	done
	check_e01_with_errors "$dir/m.E01" "$expected" 512 "${BAD_MERGED[@]}"
}

test_raw() {
	local src=$1 expected=$2 dir=$FX_WORK/raw args=() r
	mkdir "$dir"
	for r in "${BAD[@]}"; do
		args+=(--bad "$r")
	done
	faulty_json "$dir/run.json" 3 "${args[@]}" --format raw "$src" "$dir/r"
	check_faulty_run "$dir/run.json" "$src" "$expected" 512 2 "${BAD_MERGED[@]}"
	assert_same_file "$expected" "$dir/r.raw" "raw image: zeros exactly at the unreadable sectors"
	assert_eq "$(sha256_of "$dir/r.raw")" "$(json_read "$dir/run.json" '.files[0].sha256')" "sha256 of the raw image"
}

test_4k_sectors() {
	local src=$1 dir=$FX_WORK/4k args=() r
	mkdir "$dir"
	assert_ranges_nonzero "$src" 4096 "${BAD4K[@]}"
	zero_filled_copy "$src" "$dir/expected" 4096 "${BAD4K[@]}"
	for r in "${BAD4K[@]}"; do
		args+=(--bad "$r")
	done
	faulty_json "$dir/run.json" 3 "${args[@]}" --sector-size 4096 "$src" "$dir/k"
	check_faulty_run "$dir/run.json" "$src" "$dir/expected" 4096 2 "${BAD4K[@]}"
	check_e01_with_errors "$dir/k.E01" "$dir/expected" 4096 "${BAD4K[@]}"
	local info
	info=$(ewfinfo "$dir/k.E01")
	assert_ewf_field "$info" "Bytes per sector" 4096 "ewfinfo bytes per sector"
	assert_ewf_field "$info" "Number of sectors" 16384 "ewfinfo number of sectors"
	assert_ewf_field "$info" "Media size" "64 MiB (67108864 bytes)" "ewfinfo media size"
}

# Without a bad sector the tool's image is the source (the check above
# depends on it telling good from bad), and an existing TARGET.E01 is
# refused by the library itself (FX_EEXISTS), unchanged.
test_clean_and_existing() {
	local src=$1 dir=$FX_WORK/clean before mtime
	mkdir "$dir"
	faulty_json "$dir/run.json" 0 "$src" "$dir/c"
	assert_eq completed "$(json_read "$dir/run.json" .status)" "no unreadable sector: completed"
	assert_json_bad "$dir/run.json"
	assert_eq 0 "$(json_read "$dir/run.json" .bad_sector_reads)" "no single-sector reads"
	assert_json_hashes "$dir/run.json" "$src"
	check_e01_with_errors "$dir/c.E01" "$src" 512
	printf 'earlier evidence\n' >"$dir/old.E01"
	before=$(sha256_of "$dir/old.E01")
	mtime=$(mtime_of "$dir/old.E01")
	assert_exit 2 "$FAULTY" --bad 5 "$src" "$dir/old"
	assert_eq "fx_faulty_acquire: refusing to overwrite existing file $dir/old.E01" \
		"$(stderr_of_last)" "fx_sink_e01_new refuses an existing TARGET.E01"
	assert_eq "$before" "$(sha256_of "$dir/old.E01")" "the existing E01 is unchanged"
	assert_eq "$mtime" "$(mtime_of "$dir/old.E01")" "the existing E01's mtime is unchanged"
}

# ---- a real failing block device (device-mapper) ---------------------------

# dm_unavailable: why a dm device with an error target cannot be made here,
# or nothing.
dm_unavailable() {
	local why
	why=$(loop_unavailable)
	if [[ -n $why ]]; then
		echo "$why"
		return 0
	fi
	if ! have_tool dmsetup; then
		echo "dmsetup is not installed (Debian package dmsetup)"
		return 0
	fi
	if ! dmsetup targets >/dev/null 2>&1 && have_tool modprobe; then
		modprobe dm_mod >/dev/null 2>&1 || true
	fi
	if ! why=$(dmsetup targets 2>&1); then
		echo "no device-mapper in this kernel (dmsetup targets: $(printf '%s' "$why" | head -n1))"
	elif ! printf '%s\n' "$why" | grep -q '^error '; then
		echo "device-mapper has no 'error' target"
	fi
}

# dm_table LOOPDEV SECTORS RANGE...: a table mapping the merged RANGEs to
# `error` and every other sector linearly onto LOOPDEV.
dm_table() {
	local loop=$1 total=$2 at=0 r first count
	shift 2
	for r in "$@"; do
		first=${r%+*} count=${r#*+}
		((first == at)) || echo "$at $((first - at)) linear $loop $at"
		echo "$first $count error"
		at=$((first + count))
	done
	((at == total)) || echo "$at $((total - at)) linear $loop $at"
}

dm_remove() {
	blockdev --setrw "/dev/mapper/$1" 2>/dev/null
	dmsetup remove --retry "$1"
}

plain_loop_detach() {
	blockdev --setrw "$1"
	losetup -d "$1"
}

# check_device_run DIR NAME EXIT SRC EXPECTED: acquire's record of a run over
# the dm device with BAD_MERGED unreadable.
check_device_run() {
	local dir=$1 t=$1/$2 json=$1/$2.json expected=$4 r n
	n=$(ranges_sum "${BAD_MERGED[@]}")
	assert_eq completed_with_errors "$(json_read "$json" .status)" "acquire --json status"
	assert_eq "$(size_of "$expected")" "$(json_read "$json" .bytes)" "acquire --json bytes"
	assert_json_bad "$json" "${BAD_MERGED[@]}"
	assert_json_hashes "$json" "$expected"
	assert_eq completed_with_errors "$(log_value "$t.log" Status)" "log: Status"
	assert_eq "$n in ${#BAD_MERGED[@]} range(s) (first sector, count), zero-filled in the image:" \
		"$(log_value "$t.log" 'Unreadable sectors')" "log: Unreadable sectors"
	for r in "${BAD_MERGED[@]}"; do
		assert_file_line "$t.log" "  ${r%+*}, ${r#*+}" "log lists unreadable range $r"
	done
	assert_eq "${#BAD_MERGED[@]}" "$(sed -n '/^Unreadable sectors:/,/^Hashes of/p' "$t.log" | grep -c '^  [0-9]')" \
		"log lists no other range"
	assert_contains "$(stderr_of_last)" "$n unreadable sectors in ${#BAD_MERGED[@]} range(s), zero-filled" \
		"stderr reports the unreadable sectors"
}

test_device_mapper() {
	local src=$1 expected=$2 dir=$FX_WORK/dm why backing loop name dev i
	why=$(dm_unavailable)
	if [[ -n $why ]]; then
		skip_part "real failing block device (device-mapper error target): $why"
		return 0
	fi
	mkdir "$dir"
	backing=$dir/disk.img
	cp "$src" "$backing"
	loop=$(losetup --find --show "$backing") || fail "losetup --find --show $backing failed"
	defer plain_loop_detach "$loop"
	name=fx-e01-faults-$$
	dm_table "$loop" $(($(size_of "$src") / 512)) "${BAD_MERGED[@]}" >"$dir/table"
	dmsetup create "$name" "$dir/table" || fail "dmsetup create $name failed: $(cat "$dir/table")"
	defer dm_remove "$name"
	dmsetup mknodes "$name" >/dev/null 2>&1 || true
	dev=/dev/mapper/$name
	for ((i = 0; i < 50; i++)); do
		[[ ! -b $dev ]] || break
		sleep 0.1
	done
	[[ -b $dev ]] || fail "$dev did not appear"
	blockdev --setrw "$dev"
	assert_exit 3 "$FX_ACQUIRE" -q --json --case DM-1 "$dev" "$dir/e"
	cp "$FX_OUT" "$dir/e.json"
	check_device_run "$dir" e 3 "$src" "$expected"
	assert_eq "passed ($(size_of "$src") bytes re-read, all hashes equal)" \
		"$(json_read "$dir/e.json" .verification)" "the E01 is verified after writing"
	check_e01_with_errors "$dir/e.E01" "$expected" 512 "${BAD_MERGED[@]}"
	assert_ewf_field "$(ewfinfo "$dir/e.E01")" "Is physical" yes "ewfinfo: a whole device"
	assert_exit 3 "$FX_ACQUIRE" -q --json --format raw "$dev" "$dir/r"
	cp "$FX_OUT" "$dir/r.json"
	check_device_run "$dir" r 3 "$src" "$expected"
	assert_same_file "$expected" "$dir/r.raw" "raw image of the dm device: zeros exactly at the error sectors"
	assert_eq "$(sha256_of "$src")" "$(sha256_of "$backing")" "the device's backing file is unchanged"
}

main() {
	need_tool cmp md5sum sha1sum sha256sum ewfverify ewfinfo ewfexport img_stat dd
	[[ -x $FAULTY ]] || fail "fx_faulty_acquire not built: $FAULTY (set FX_TESTS_BIN)"
	fx_begin
	local src expected
	src=$(sample_disk)
	assert_eq "$(printf '%s\n' "${BAD_MERGED[@]}")" "$(merge_ranges "${BAD[@]}")" \
		"the unreadable ranges, merged"
	assert_ranges_nonzero "$src" 512 "${BAD[@]}"
	expected=$FX_WORK/expected.img
	zero_filled_copy "$src" "$expected" 512 "${BAD[@]}"
	run_part "E01, one segment" test_e01_single "$src" "$expected"
	run_part "E01, 67 segments" test_e01_segments "$src" "$expected"
	run_part "raw" test_raw "$src" "$expected"
	run_part "4096-byte sectors" test_4k_sectors "$src"
	run_part "no fault; existing E01" test_clean_and_existing "$src"
	run_part "device-mapper" test_device_mapper "$src" "$expected"
	parts_verdict
	fx_pass
}

main "$@"
