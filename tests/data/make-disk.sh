#!/usr/bin/env bash
# make-disk.sh OUT.img [SIZE_MIB]
#
# Generates a deterministic sample disk for the end-to-end tests, without
# root, mounts or loop devices: the same SIZE_MIB gives the same bytes on
# every machine with the same tool versions (Debian 12: e2fsprogs 1.47.0,
# dosfstools 4.2, mtools 4.0.32, gdisk 1.0.9).
#
# Layout (S = SIZE_MIB, at least 32, default 64; MiB offsets):
#   0 .. 1            protective MBR + primary GPT (fixed disk/partition GUIDs)
#   1 .. 1+E          partition 1: ext4, E = (S-2)*3/8, label "fxsample"
#   1+E .. 1+E+R      unpartitioned deterministic random bytes, R = (S-2)/8
#   1+E+R .. 1+2E+R   partition 2: FAT16, label "FXSAMPLE", volume id 1A2B3C4D
#   rest              zeros, then the backup GPT in the last 33 sectors
#
# Each file system holds known files; OUT.img.files lists them as
# "PARTITION PATH SHA256" (PARTITION is the GPT partition number; PATH as
# `fls -r -p` prints it, without a leading slash), after '#' comment lines
# "# partition N start SECTOR sectors COUNT type ext4|fat16" and
# "# random start SECTOR sectors COUNT".
#
# How determinism is obtained:
#   ext4  mke2fs -U (fs UUID), -E hash_seed= (htree seed), E2FSPROGS_FAKE_TIME
#         (superblock times); mke2fs -d copies uid/gid and atime/mtime/ctime
#         from the staging tree, and ctime cannot be set with touch, so
#         debugfs rewrites owner and all four times of every inode afterwards.
#         mke2fs 1.47 sorts directory entries (scandir + alphasort), so
#         readdir order of the staging tree does not matter.
#   FAT   mkfs.fat -i (volume id) --invariant (boot code, times); mtools take
#         directory times from SOURCE_DATE_EPOCH and file times from the
#         source file with mcopy -m; TZ=UTC because FAT stores local time.
#   GPT   sgdisk -U / -u with fixed GUIDs.
#   data  AES-128-CTR keystream of fixed keys (openssl enc over zeros).
# Prints nothing but errors; exits non-zero on failure.
set -euo pipefail

readonly FIXED_DATE='2020-01-02 03:04:05 UTC'
readonly FIXED_EPOCH=1577934245
readonly DEBUGFS_TIME=20200102030405
readonly DISK_GUID=5E3A1C9D-2B7F-4E61-9A0C-1F2E3D4C5B6A
readonly PART1_GUID=0F1E2D3C-4B5A-4968-8776-655443322110
readonly PART2_GUID=A1B2C3D4-E5F6-4A0B-9C1D-2E3F40516273
readonly EXT_UUID=2c0b5c1e-7d43-4c6a-9f5e-0123456789ab
readonly EXT_HASH_SEED=6f1e3a2b-5c4d-4e7f-8091-a2b3c4d5e6f7
readonly FAT_VOLID=1A2B3C4D
readonly MIB=1048576

die() {
	echo "make-disk.sh: $*" >&2
	exit 1
}

# det_bytes KEYHEX COUNT: COUNT deterministic pseudo-random bytes on stdout.
det_bytes() {
	head -c "$2" /dev/zero |
		openssl enc -aes-128-ctr -nosalt -K "$1" -iv 000102030405060708090a0b0c0d0e0f
}

# run_quiet CMD...: runs CMD, showing its output only if it fails.
run_quiet() {
	local out
	if ! out=$("$@" 2>&1); then
		echo "$out" >&2
		die "failed: $*"
	fi
}

# write_at DISK FILE OFFSET_BYTES: copies FILE into DISK at OFFSET_BYTES.
write_at() {
	dd if="$2" of="$1" bs=$MIB seek="$(($3 / MIB))" conv=notrunc,fsync \
		status=none
}

stage_ext_tree() {
	local dir=$1
	mkdir -p "$dir/data" "$dir/docs/nested/deep"
	printf 'libforensic sample disk, partition 1 (ext4).\nThis text is known to the tests.\n' \
		>"$dir/README.txt"
	det_bytes 00112233445566778899aabbccddeeff 307200 >"$dir/data/random.bin"
	printf 'Nested three levels down on ext4.\n' >"$dir/docs/nested/deep/notes.txt"
	: >"$dir/empty.txt"
	find "$dir" -exec touch -h -d "$FIXED_DATE" {} +
	chmod -R u=rwX,go=rX "$dir"
}

stage_fat_tree() {
	local dir=$1
	mkdir -p "$dir/DOCS/NESTED"
	printf 'libforensic sample disk, partition 2 (FAT16).\r\nThis text is known to the tests.\r\n' \
		>"$dir/README.TXT"
	det_bytes ffeeddccbbaa99887766554433221100 204800 >"$dir/RANDOM.BIN"
	printf 'Nested two levels down on FAT.\r\n' >"$dir/DOCS/NESTED/NOTES.TXT"
	printf 'A file with a long (VFAT) name.\r\n' >"$dir/Long_File_Name.txt"
	find "$dir" -exec touch -d "$FIXED_DATE" {} +
}

# Rewrites owner and times of every inode of the ext image (root,
# lost+found and each staged path), so that what mke2fs -d copied from the
# staging tree (uid, gid, ctime) is fixed.
fix_ext_inodes() {
	local img=$1 tree=$2 cmds=$3 path field
	{
		for path in / /lost+found $(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | sed 's|^\.||'); do
			for field in uid gid; do
				echo "set_inode_field $path $field 0"
			done
			for field in atime mtime ctime crtime; do
				echo "set_inode_field $path $field $DEBUGFS_TIME"
				echo "set_inode_field $path ${field}_extra 0"
			done
		done
	} >"$cmds"
	run_quiet debugfs -w -f "$cmds" "$img"
}

make_ext() {
	local img=$1 mib=$2 tree=$3
	rm -f "$img"
	E2FSPROGS_FAKE_TIME=$FIXED_EPOCH run_quiet mke2fs -q -F -t ext4 \
		-b 1024 -L fxsample -U "$EXT_UUID" -m 0 \
		-E "hash_seed=$EXT_HASH_SEED,root_owner=0:0,lazy_itable_init=0,nodiscard" \
		-d "$tree" "$img" "$((mib * 1024))"
	E2FSPROGS_FAKE_TIME=$FIXED_EPOCH fix_ext_inodes "$img" "$tree" "$img.cmds"
}

make_fat() {
	local img=$1 mib=$2 tree=$3 start_sector=$4 rel
	rm -f "$img"
	run_quiet mkfs.fat -C -F 16 -n FXSAMPLE -i "$FAT_VOLID" --invariant \
		-h "$start_sector" "$img" "$((mib * 1024))"
	(cd "$tree" && find . -mindepth 1 -type d | LC_ALL=C sort) | while read -r rel; do
		mmd -i "$img" "::/${rel#./}"
	done
	(cd "$tree" && find . -type f | LC_ALL=C sort) | while read -r rel; do
		mcopy -m -i "$img" "$tree/${rel#./}" "::/${rel#./}"
	done
}

# manifest_lines PARTITION TREE: "PARTITION PATH SHA256" of each staged file.
manifest_lines() {
	local part=$1 tree=$2 rel
	(cd "$tree" && find . -type f | LC_ALL=C sort) | while read -r rel; do
		rel=${rel#./}
		printf '%s %s %s\n' "$part" "$rel" \
			"$(sha256sum <"$tree/$rel" | cut -d' ' -f1)"
	done
}

main() {
	[[ $# -ge 1 && $# -le 2 ]] || die "usage: make-disk.sh OUT.img [SIZE_MIB]"
	local out=$1 size=${2:-64}
	if ! [[ $size =~ ^[0-9]+$ ]] || ((size < 32 || size > 65536)); then
		die "SIZE_MIB must be an integer from 32 to 65536, not '$size'"
	fi
	local cmd
	for cmd in sgdisk mke2fs debugfs mkfs.fat mmd mcopy openssl dd sha256sum; do
		command -v "$cmd" >/dev/null || die "$cmd is not installed"
	done

	export TZ=UTC LC_ALL=C MTOOLS_SKIP_CHECK=1 SOURCE_DATE_EPOCH=$FIXED_EPOCH
	local e=$(((size - 2) * 3 / 8)) r=$(((size - 2) / 8))
	local p1=1 rnd=$((1 + e)) p2=$((1 + e + r))
	local work
	work=$(mktemp -d "${TMPDIR:-/tmp}/make-disk.XXXXXX")
	# shellcheck disable=SC2064 # expand $work now
	trap "rm -rf '$work'" EXIT

	stage_ext_tree "$work/ext"
	stage_fat_tree "$work/fat"
	make_ext "$work/p1.img" "$e" "$work/ext"
	make_fat "$work/p2.img" "$e" "$work/fat" "$((p2 * 2048))"
	det_bytes 0f0e0d0c0b0a09080706050403020100 "$((r * MIB))" >"$work/rnd.bin"

	rm -f "$out" "$out.files"
	truncate -s "$((size * MIB))" "$out"
	run_quiet sgdisk -U "$DISK_GUID" \
		-n "1:$((p1 * 2048)):+${e}M" -t 1:8300 -c 1:fxsample-ext4 -u "1:$PART1_GUID" \
		-n "2:$((p2 * 2048)):+${e}M" -t 2:0700 -c 2:fxsample-fat -u "2:$PART2_GUID" \
		"$out"
	write_at "$out" "$work/p1.img" "$((p1 * MIB))"
	write_at "$out" "$work/rnd.bin" "$((rnd * MIB))"
	write_at "$out" "$work/p2.img" "$((p2 * MIB))"
	[[ $(stat -c %s "$out") -eq $((size * MIB)) ]] || die "$out has the wrong size"

	{
		printf '# partition 1 start %s sectors %s type ext4\n' "$((p1 * 2048))" "$((e * 2048))"
		printf '# random start %s sectors %s\n' "$((rnd * 2048))" "$((r * 2048))"
		printf '# partition 2 start %s sectors %s type fat16\n' "$((p2 * 2048))" "$((e * 2048))"
		manifest_lines 1 "$work/ext"
		manifest_lines 2 "$work/fat"
	} >"$out.files.tmp"
	mv "$out.files.tmp" "$out.files"
}

main "$@"
