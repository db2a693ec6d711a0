#!/usr/bin/env bash
# End to end: every refusal of acquire, with its exact exit code (2) and a
# one-line message naming what was refused, before anything is written:
# existing evidence files, bad options, a missing source, the source as
# destination, a mounted source, a destination on the source device.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# assert_refused NEEDLE... -- CMD...: CMD exits 2 with one line on stderr
# that starts with "acquire: " and contains every NEEDLE, and prints nothing
# on stdout.
assert_refused() {
	local needles=() msg
	while [[ $1 != -- ]]; do
		needles+=("$1")
		shift
	done
	shift
	assert_exit 2 "$@"
	msg=$(stderr_of_last)
	assert_eq 1 "$(wc -l <"$FX_ERR")" "one-line message from: $*"$'\n'"  stderr: $msg"
	assert_contains "$msg" "acquire: " "message is prefixed with the tool's name"
	local n
	for n in "${needles[@]}"; do
		assert_contains "$msg" "$n" "refusal message of: $*"
	done
	assert_eq "" "$(stdout_of_last)" "nothing on stdout when refused: $*"
}

# assert_dir_listing DIR EXPECTED...: DIR holds exactly these names.
assert_dir_listing() {
	local dir=$1
	shift
	local want=""
	(($# == 0)) || want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	assert_eq "$want" "$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort)" \
		"contents of $dir"
}

# An existing file of the target's name set: refused, unchanged, nothing new.
check_existing() {
	local src=$1 existing=$2
	shift 2
	local dir before
	dir=$(mktemp -d "$FX_WORK/exist.XXXXXX")
	printf 'earlier evidence, must survive: %s\n' "$existing" >"$dir/$existing"
	before=$(sha256_of "$dir/$existing")
	assert_refused "refusing to overwrite" "$dir/$existing" -- \
		"$FX_ACQUIRE" -q "$@" "$src" "$dir/case"
	assert_eq "$before" "$(sha256_of "$dir/$existing")" "$existing is unchanged"
	assert_dir_listing "$dir" "$existing"
}

test_existing_files() {
	local src=$1
	check_existing "$src" case.raw --format raw
	check_existing "$src" case.log --format raw
	check_existing "$src" case.sha256 --format raw
	check_existing "$src" case.001 --format raw --segment-size 5M
	# a leftover of the other layout is still part of the name set
	check_existing "$src" case.001 --format raw
	check_existing "$src" case.raw --format raw --segment-size 5M
}

test_bad_options() {
	local src=$1 dir=$FX_WORK/options
	mkdir "$dir"
	assert_refused "--segment-size" "'0'" -- "$FX_ACQUIRE" --format raw --segment-size 0 "$src" "$dir/t"
	assert_refused "--segment-size" "'12Q'" -- "$FX_ACQUIRE" --format raw --segment-size 12Q "$src" "$dir/t"
	assert_refused "--segment-size" "'-5M'" -- "$FX_ACQUIRE" --format raw --segment-size -5M "$src" "$dir/t"
	assert_refused "--hash-window" "'1X'" -- "$FX_ACQUIRE" --format raw --hash-window 1X "$src" "$dir/t"
	assert_refused "--block-size" "'abc'" -- "$FX_ACQUIRE" --format raw --block-size abc "$src" "$dir/t"
	assert_refused "--block-size" "256M" -- "$FX_ACQUIRE" --format raw --block-size 512M "$src" "$dir/t"
	assert_refused "acquire: --block-size: invalid size '0' (a positive number of bytes" -- \
		"$FX_ACQUIRE" --block-size 0 "$src" "$dir/t"
	assert_refused "--hash" "'md4'" -- "$FX_ACQUIRE" --format raw --hash md4 "$src" "$dir/t"
	assert_refused "--hash" "'crc32'" -- "$FX_ACQUIRE" --format raw --hash md5,crc32 "$src" "$dir/t"
	assert_refused "--retries" "'-1'" -- "$FX_ACQUIRE" --format raw --retries -1 "$src" "$dir/t"
	assert_refused "--format" "'xyz'" -- "$FX_ACQUIRE" --format xyz "$src" "$dir/t"
	assert_refused "--bogus" -- "$FX_ACQUIRE" --bogus "$src" "$dir/t"
	assert_refused "--segment-size" -- "$FX_ACQUIRE" --format raw "$src" "$dir/t" --segment-size
	assert_refused "SOURCE and TARGET" -- "$FX_ACQUIRE" --format raw
	assert_refused "SOURCE and TARGET" -- "$FX_ACQUIRE" --format raw "$src"
	assert_refused "SOURCE and TARGET" -- "$FX_ACQUIRE" --format raw "$src" "$dir/t" "$dir/u"
	assert_dir_listing "$dir"
}

test_bad_sources() {
	local src=$1 dir=$FX_WORK/sources before
	mkdir "$dir"
	assert_refused "$dir/no-such-disk" "No such file" -- \
		"$FX_ACQUIRE" --format raw "$dir/no-such-disk" "$dir/t"
	assert_refused "$dir" "neither a block device nor a regular file" -- \
		"$FX_ACQUIRE" --format raw "$dir" "$dir/t"
	assert_refused "/dev/null" "neither a block device nor a regular file" -- \
		"$FX_ACQUIRE" --format raw /dev/null "$dir/t"
	assert_dir_listing "$dir"

	# TARGET is the source file itself
	cp "$src" "$dir/disk.img"
	before=$(sha256_of "$dir/disk.img")
	assert_refused "$dir/disk.img" "source itself" -- \
		"$FX_ACQUIRE" --format raw "$dir/disk.img" "$dir/disk.img"
	# TARGET.raw would be the source file
	mv "$dir/disk.img" "$dir/disk.raw"
	assert_refused "refusing to overwrite" "$dir/disk.raw" -- \
		"$FX_ACQUIRE" --format raw "$dir/disk.raw" "$dir/disk"
	# ... also when reached through a symlink
	ln -s disk.raw "$dir/link.raw"
	assert_refused "refusing to overwrite" "$dir/link.raw" -- \
		"$FX_ACQUIRE" --format raw "$dir/disk.raw" "$dir/link"
	assert_eq "$before" "$(sha256_of "$dir/disk.raw")" "the source file is unchanged"
	assert_dir_listing "$dir" disk.raw link.raw

	# the destination directory does not exist
	assert_refused "$dir/missing" -- "$FX_ACQUIRE" --format raw "$src" "$dir/missing/t"
	assert_missing "$dir/missing" "no destination directory is created"
}

# Mounted sources and destinations on the source device need a loop device
# and mount; each part is skipped (SKIP line) when that is impossible here.
test_devices() {
	local src=$1 dir=$FX_WORK/devices why dev mnt
	why=$(loop_unavailable)
	if [[ -n $why ]]; then
		skip_part "mounted source / destination on source device: $why"
		return 0
	fi
	mkdir "$dir" "$dir/out"
	cp "$src" "$dir/disk.img"
	if ! loop_attach "$dir/disk.img"; then
		skip_part "mounted source / destination on source device: $FX_WHY"
		return 0
	fi
	dev=$FX_LOOP_DEV
	mnt=$dir/mnt
	if ! mount_ro "${dev}p1" "$mnt"; then
		skip_part "mounted source / destination on source device: $FX_WHY"
		return 0
	fi

	assert_refused "$dev is mounted" "$mnt" "--allow-mounted" -- \
		"$FX_ACQUIRE" --format raw "$dev" "$dir/out/whole"
	assert_refused "${dev}p1 is mounted" "$mnt" "--allow-mounted" -- \
		"$FX_ACQUIRE" --format raw "${dev}p1" "$dir/out/part"
	assert_dir_listing "$dir/out"
	# past the mount check, the destination is still on the source device:
	# refused before the write-block, one line, no flag ever changed
	assert_refused "$mnt/img" "lies on the source device $dev" -- \
		"$FX_ACQUIRE" --format raw --allow-mounted "$dev" "$mnt/img"
	assert_refused "$mnt/img" "lies on the source device ${dev}p1" -- \
		"$FX_ACQUIRE" --format raw --allow-mounted "${dev}p1" "$mnt/img"
	# A sibling partition of the same disk is the evidence drive too: the
	# image of p2 must not be written into p1's file system.
	assert_refused "$mnt/img" "source device" -- \
		"$FX_ACQUIRE" --format raw "${dev}p2" "$mnt/img"
	assert_dir_listing "$mnt" README.txt data docs empty.txt lost+found
}

# A case database acquire cannot use (not SQLite, or SQLite but not ours):
# exit 4 before a byte is read, the message names the file, nothing is
# written, and the file is unchanged.
check_bad_db() {
	local src=$1 what=$2 format=$3 dir before msg
	dir=$(mktemp -d "$FX_WORK/baddb.XXXXXX")
	if [[ $what == junk ]]; then
		head -c 8192 /dev/urandom >"$dir/case.db"
	else
		sqlite3 "$dir/case.db" 'CREATE TABLE other (x); INSERT INTO other VALUES (1);'
	fi
	before=$(sha256_of "$dir/case.db")
	assert_exit 4 "$FX_ACQUIRE" -q --format "$format" "$src" "$dir/case"
	msg=$(stderr_of_last)
	assert_eq 1 "$(wc -l <"$FX_ERR")" "one-line message for a $what database"$'\n'"  stderr: $msg"
	assert_contains "$msg" "acquire: case database: $dir/case.db is not a case database" \
		"$what database ($format): message names the file"
	assert_eq "$before" "$(sha256_of "$dir/case.db")" "$what database is unchanged ($format)"
	assert_dir_listing "$dir" case.db
}

test_bad_databases() {
	local src=$1 f
	for f in raw e01; do
		check_bad_db "$src" junk "$f"
		command -v sqlite3 >/dev/null && check_bad_db "$src" foreign "$f"
	done
}

main() {
	need_tool sha256sum
	fx_begin
	local src
	src=$(sample_disk)
	test_existing_files "$src"
	test_bad_options "$src"
	test_bad_sources "$src"
	test_bad_databases "$src"
	test_devices "$src"
	fx_pass
}

main "$@"
