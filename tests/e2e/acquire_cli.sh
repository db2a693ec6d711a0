#!/usr/bin/env bash
# End to end: acquire's command line as a user meets it. Every bad option
# value is refused with exactly one line naming the option and the value,
# exit 2, before anything is written (no TARGET.log, no case database, no
# new acquisition row), also the values that depend on the source's sector
# size; unknown options say so in the suite's style; --threads 0 is all
# cores; a TARGET typed with its format's extension loses it; the finished
# log is read-only; every recorded path is absolute and canonical; the
# read-back shows its own progress line.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# assert_dir_listing DIR EXPECTED...: DIR holds exactly these names.
assert_dir_listing() {
	local dir=$1
	shift
	local want=""
	(($# == 0)) || want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	assert_eq "$want" "$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort)" \
		"contents of $dir"
}

# assert_refused_line LINE -- ARGS...: acquire ARGS exits 2 and prints
# exactly LINE (one line) on stderr and nothing on stdout.
assert_refused_line() {
	local line=$1
	shift 2
	assert_exit 2 "$FX_ACQUIRE" "$@"
	assert_eq "$line" "$(stderr_of_last)" "the one line of: acquire $*"
	assert_eq "" "$(stdout_of_last)" "nothing on stdout: acquire $*"
}

# A bad value: one line, exit 2, and nothing written, in an empty
# directory and beside an earlier acquisition whose database gets no new
# row and no new audit event. Before the fix, --block-size 3 and
# --hash-window 100 were refused by the pipeline, after TARGET.log and a
# "failed" acquisition row existed.
check_bad_value() {
	local src=$1 line=$2 dir
	shift 2
	dir=$(mktemp -d "$FX_WORK/bad.XXXXXX")
	assert_refused_line "$line" -- -q "$@" "$src" "$dir/t"
	assert_dir_listing "$dir"
	assert_refused_line "$line" -- -q "$@" "$src" "$FX_WORK/earlier/t2"
	assert_dir_listing "$FX_WORK/earlier" case.db t.E01 t.log t.sha256
	assert_eq 1 "$(sqlite3 "$FX_WORK/earlier/case.db" 'SELECT count(*) FROM acquisitions')" \
		"no new acquisition row: acquire $*"
	assert_eq "$EVENTS" "$(sqlite3 "$FX_WORK/earlier/case.db" 'SELECT count(*) FROM audit_log')" \
		"no new audit event: acquire $*"
}

test_bad_values() {
	local src=$1 dir
	mkdir "$FX_WORK/earlier"
	assert_exit 0 "$FX_ACQUIRE" -q "$src" "$FX_WORK/earlier/t"
	EVENTS=$(sqlite3 "$FX_WORK/earlier/case.db" 'SELECT count(*) FROM audit_log')
	check_bad_value "$src" "acquire: --block-size 3 is not a multiple of 512 bytes (every sector size is) (see acquire --help)" \
		--block-size 3
	check_bad_value "$src" "acquire: --block-size 3 is not a multiple of 512 bytes (every sector size is) (see acquire --help)" \
		--format raw --block-size 3
	check_bad_value "$src" "acquire: --hash-window 100 is not a multiple of 512 bytes (every sector size is) (see acquire --help)" \
		--hash-window 100
	check_bad_value "$src" "acquire: --block-size 536870912 is larger than 256M (268435456 bytes) (see acquire --help)" \
		--block-size 512M
	check_bad_value "$src" "acquire: --retries 101 is more than 100 (see acquire --help)" \
		--retries 101
	# was two lines: "invalid number '1000' (0..256)", "invalid count '1000'"
	check_bad_value "$src" "acquire: --threads 1000 is more than 64 (see acquire --help)" \
		--threads 1000
	check_bad_value "$src" "acquire: --threads: invalid number '-1' (see acquire --help)" \
		--threads -1
	check_bad_value "$src" "acquire: --threads: invalid number '2x' (see acquire --help)" \
		--threads 2x
	check_bad_value "$src" "acquire: --retries: invalid number '' (see acquire --help)" \
		--retries ''
	check_bad_value "$src" "acquire: --compression: unknown compression 'zz' (none, empty, fast, best) (see acquire --help)" \
		--format raw --compression zz
	check_bad_value "$src" "acquire: --segment-size 100 is outside 1048576..9223372036854775807 bytes for EWF format encase6 (see acquire --help)" \
		--segment-size 100
	check_bad_value "$src" "acquire: --threads 65 is more than 64 (see acquire --help)" \
		--format raw --threads 65

	# A refused run leaves nothing that blocks the corrected one (the log
	# of a refused run used to make the re-run refuse "existing file").
	dir=$(mktemp -d "$FX_WORK/rerun.XXXXXX")
	assert_exit 2 "$FX_ACQUIRE" -q --block-size 3 "$src" "$dir/t"
	assert_exit 0 "$FX_ACQUIRE" -q --block-size 4K "$src" "$dir/t"
	assert_dir_listing "$dir" case.db t.E01 t.log t.sha256
}

# Sector-size rules are checked as soon as the source is open, before the
# log, the database or the image exist: a loop device with 4096-byte
# logical sectors, read with blocks that are multiples of 512 only.
test_sector_size() {
	local src=$1 dir=$FX_WORK/sector why dev
	why=$(loop_unavailable)
	if [[ -n $why ]]; then
		skip_part "block size vs a 4096-byte-sector device: $why"
		return 0
	fi
	mkdir "$dir" "$dir/out"
	cp "$src" "$dir/disk.img"
	if ! dev=$(losetup --find --show --sector-size 4096 "$dir/disk.img" 2>&1); then
		skip_part "block size vs a 4096-byte-sector device: losetup --sector-size 4096 failed: $dev"
		return 0
	fi
	defer losetup -d "$dev"
	assert_eq 4096 "$(blockdev --getss "$dev")" "the loop device has 4096-byte logical sectors"
	assert_refused_line "acquire: --block-size 6144 is not a multiple of the source's 4096-byte logical sector size" -- \
		-q --no-write-block --block-size 6K "$dev" "$dir/out/t"
	assert_dir_listing "$dir/out"
	assert_refused_line "acquire: --hash-window 2048 is not a multiple of the source's 4096-byte logical sector size" -- \
		-q --no-write-block --format raw --hash-window 2K "$dev" "$dir/out/t"
	assert_dir_listing "$dir/out"
	assert_eq 0 "$(blockdev --getro "$dev")" "the device was not write-blocked (--no-write-block)"
	# the same device with a block size it accepts
	assert_exit 0 "$FX_ACQUIRE" -q --no-write-block --format raw --block-size 8K "$dev" "$dir/out/t"
	assert_eq "$(sha256_of "$src")" "$(sha256_of "$dir/out/t.raw")" "the image of the 4096-byte-sector device"
}

# getopt's own messages named the full binary path and gave no hint.
test_unknown_options() {
	local src=$1 dir=$FX_WORK/unknown
	mkdir "$dir"
	assert_refused_line "acquire: unrecognized option '--foo' (see acquire --help)" -- \
		--foo "$src" "$dir/t"
	assert_refused_line "acquire: unrecognized option '--foo' (see acquire --help)" -- \
		--foo=bar "$src" "$dir/t"
	assert_refused_line "acquire: unrecognized option '-x' (see acquire --help)" -- \
		-x "$src" "$dir/t"
	assert_refused_line "acquire: unrecognized option '-x' (see acquire --help)" -- \
		--json -xq "$src" "$dir/t"
	assert_refused_line "acquire: option '--quiet' does not take a value (see acquire --help)" -- \
		--quiet=1 "$src" "$dir/t"
	assert_refused_line "acquire: option '--ver' is ambiguous (--verify, --verify-source, --version) (see acquire --help)" -- \
		--ver "$src" "$dir/t"
	assert_refused_line "acquire: option '--segment-size' requires a value (see acquire --help)" -- \
		"$src" "$dir/t" --segment-size
	assert_refused_line "acquire: option '-f' requires a value (see acquire --help)" -- \
		"$src" "$dir/t" -f
	assert_dir_listing "$dir"
}

# --threads 0 is "all cores", as --help says (it was refused, in two lines).
test_threads_zero() {
	local src=$1 dir=$FX_WORK/threads
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --threads 0 "$src" "$dir/t"
	assert_eq "" "$(stderr_of_last)" "--threads 0: nothing on stderr"
	assert_eq 0 "$(sqlite3 "$dir/case.db" "SELECT json_extract(parameters_json, '\$.threads') FROM acquisitions")" \
		"--threads 0 recorded as given"
	assert_eq "$(md5_of "$src")" "$(log_hash "$dir/t.log" MD5)" "--threads 0: the image's MD5"
	assert_contains "$("$FX_ACQUIRE" --help)" "--threads N            E01 compression threads, 0 = all cores (default)" \
		"--help says what 0 means"
}

# --help offers only the EWF formats that are offered (encase7 and linen7
# were listed, then refused).
test_help() {
	local help
	help=$("$FX_ACQUIRE" --help) || fail "acquire --help failed"
	check_ok
	assert_contains "$help" "      --ewf-format NAME      encase6 (default), encase2..encase5, ftk, linen5,
                             linen6, ewfx (not encase7, linen7: see acquire(1))" \
		"--help: the EWF formats offered, and those refused"
	assert_eq 1 "$(grep -c encase7 <<<"$help")" "--help names encase7 only as refused"
}

# TARGET typed with the extension of its format's first file loses it (it
# gave TARGET.E01.E01); with another format's extension it is refused.
test_target_extension() {
	local src=$1 dir=$FX_WORK/ext json
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --json "$src" "$dir/a.E01"
	json=$FX_WORK/a.json
	cp "$FX_OUT" "$json"
	assert_eq "$dir/a.E01" "$(json_read "$json" '.files[0].path')" "a.E01 names the image a.E01"
	assert_eq "a" "$(json_read "$json" .evidence)" "the evidence number is the name without .E01"
	assert_exit 0 "$FX_ACQUIRE" -q "$src" "$dir/b.e01"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$src" "$dir/c.raw"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 1M "$src" "$dir/d.001"
	assert_dir_listing "$dir" case.db a.E01 a.log a.sha256 b.E01 b.log b.sha256 \
		c.raw c.log c.sha256 d.001 d.002 d.log d.sha256
	assert_refused_line "acquire: TARGET $dir/e.E01 ends in .E01, but --format raw writes TARGET.raw: give TARGET without an extension (see acquire --help)" -- \
		-q --format raw "$src" "$dir/e.E01"
	assert_refused_line "acquire: TARGET $dir/e.raw ends in .raw, but --format e01 writes TARGET.E01, TARGET.E02, ...: give TARGET without an extension (see acquire --help)" -- \
		-q "$src" "$dir/e.raw"
	assert_refused_line "acquire: TARGET $dir/e.raw ends in .raw, but --format raw --segment-size writes TARGET.001, TARGET.002, ...: give TARGET without an extension (see acquire --help)" -- \
		-q --format raw --segment-size 1M "$src" "$dir/e.raw"
	assert_refused_line "acquire: TARGET $dir/e.001 ends in .001, but --format raw writes TARGET.raw: give TARGET without an extension (see acquire --help)" -- \
		-q --format raw "$src" "$dir/e.001"
	assert_refused_line "acquire: TARGET '$dir/' does not end in a file name (e.g. /cases/HDD-01) (see acquire --help)" -- \
		-q --format raw "$src" "$dir/"
	assert_dir_listing "$dir" case.db a.E01 a.log a.sha256 b.E01 b.log b.sha256 \
		c.raw c.log c.sha256 d.001 d.002 d.log d.sha256
}

# The finished log is read-only like the image (it stayed 0644).
test_read_only_outputs() {
	local src=$1 dir=$FX_WORK/modes f
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q "$src" "$dir/t"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$src" "$dir/r"
	for f in t.E01 t.log t.sha256 r.raw r.log r.sha256; do
		assert_eq 444 "$(stat -c %a "$dir/$f")" "mode of $f"
	done
}

# Paths are recorded absolute and canonical, whatever the working
# directory: the directory resolved (a symlinked one too), the file named
# as typed (a symlinked source is named, not followed).
test_absolute_paths() {
	local src=$1 base=$FX_WORK/paths real json log
	mkdir -p "$base/cwd" "$base/real" "$base/disks"
	ln -s real "$base/alias"
	cp "$src" "$base/disks/disk.img"
	ln -s disk.img "$base/disks/link.img"
	real=$(cd "$base/real" && pwd -P)
	(cd "$base/cwd" && "$FX_ACQUIRE" -q --json --format raw ../disks/link.img ../alias/t \
		>"$base/t.json" 2>"$base/t.err") || fail "acquire with relative paths failed: $(cat "$base/t.err")"
	check_ok
	json=$base/t.json
	log=$real/t.log
	assert_eq "$real/t.raw" "$(json_read "$json" '.files[0].path')" "--json: image path"
	assert_eq "$real/t.log" "$(json_read "$json" .log)" "--json: log path"
	assert_eq "$real/case.db" "$(json_read "$json" .db)" "--json: database path"
	assert_eq "$base/disks/link.img" "$(json_read "$json" .source)" "--json: source path (the link, named)"
	assert_eq "$real/t.raw" "$(sqlite3 "$real/case.db" 'SELECT path FROM image_files')" \
		"case database: image path"
	assert_eq "$base/disks/link.img" "$(sqlite3 "$real/case.db" 'SELECT source_path FROM acquisitions')" \
		"case database: source path"
	assert_eq "$base/disks/link.img" "$(log_value "$log" '  Path')" "log: source path"
	assert_eq "$real/case.db (acquisition 1)" "$(log_value "$log" 'Case database')" "log: database path"
	assert_file_line "$log" "  $real/t.raw, $(size_of "$src"), $(sha256_of "$src")" "log: image file line"
	# verify finds the record from anywhere by the recorded path
	assert_exit 0 "$FX_BIN/verify" -q "$real/t.raw"
}

# The read-back has a progress line of its own (the acquisition's line
# stayed at 100% while the image was re-read). Progress needs a terminal:
# script(1) gives one.
test_progress() {
	local src=$1 dir=$FX_WORK/progress out
	if ! have_tool script; then
		skip_part "progress lines: script(1) is not installed"
		return 0
	fi
	mkdir "$dir"
	out=$(script -qec "$(printf '%q ' "$FX_ACQUIRE" --format raw "$src" "$dir/t")" /dev/null 2>&1 | tr '\r' '\n') ||
		fail "acquire under script(1) failed: $out"
	check_ok
	assert_contains "$out" $'\nacquire: reading: 0.00 / 0.00 GiB (100.0%)' "the acquisition's line ends at 100%"
	assert_contains "$out" $'\nacquire: verifying image: 0.00 / 0.00 GiB (100.0%)' \
		"the read-back has its own line, to 100%"
}

main() {
	need_tool sha256sum sqlite3
	fx_begin
	local src=$FX_WORK/src.bin
	head -c $((2 * 1048576)) /dev/urandom >"$src"
	run_part "bad values" test_bad_values "$src"
	run_part "sector size" test_sector_size "$src"
	run_part "unknown options" test_unknown_options "$src"
	run_part "--threads 0" test_threads_zero "$src"
	run_part "--help" test_help
	run_part "TARGET extension" test_target_extension "$src"
	run_part "read-only outputs" test_read_only_outputs "$src"
	run_part "absolute paths" test_absolute_paths "$src"
	run_part "progress" test_progress "$src"
	parts_verdict
	fx_pass
}

main "$@"
