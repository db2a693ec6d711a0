#!/usr/bin/env bash
# --sparse: a 2 GiB source that is 99% zeros (a sparse file with random
# blocks at a few offsets, one of them unaligned at the very end) acquired
# as raw and split raw with --sparse. Judged by tools that are not
# libforensic: du -B1 and stat give the allocated and logical sizes (under
# 3% allocated), sha256sum -c checks TARGET.sha256, cmp compares with the
# source; --json, the log and the case database record each file's
# allocated size, which must equal stat's st_blocks * 512. A plain raw image
# takes its whole size. --sparse is refused, before anything is written,
# with --format e01 and on a file system without holes (vfat loop-mounted,
# or exFAT through FUSE where the kernel has no vfat).
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

SIZE=$((2 << 30))
FX_FS=

# make_source PATH: 2 GiB, data at the start, in the middle, near 1.5 GiB
# and in the last 5000 bytes (unaligned); the rest zeros (holes).
make_source() {
	truncate -s "$SIZE" "$1"
	head -c $((1 << 20)) /dev/urandom | dd of="$1" bs=1M seek=0 conv=notrunc status=none
	head -c $((4 << 20)) /dev/urandom | dd of="$1" bs=1M seek=700 conv=notrunc status=none
	head -c $((2 << 20)) /dev/urandom | dd of="$1" bs=1M seek=1500 conv=notrunc status=none
	head -c 5000 /dev/urandom | dd of="$1" bs=1 seek=$((SIZE - 5000)) conv=notrunc status=none
}

allocated_of() { echo $(($(stat -c %b -- "$1") * 512)); }

# assert_sparse_file FILE JSON INDEX DB WHAT: FILE takes under 3% of its
# size (du against stat), and --json, the log and the database give its
# allocated size as stat does.
assert_sparse_file() {
	local f=$1 json=$2 i=$3 db=$4 what=$5 size alloc du
	size=$(size_of "$f")
	alloc=$(allocated_of "$f")
	du=$(du -B1 -- "$f" | cut -f1)
	assert_eq "$alloc" "$du" "$what: du -B1 is st_blocks * 512"
	assert_lt $((du * 100)) $((size * 3)) "$what: allocated $du of $size bytes, under 3%"
	assert_eq "$alloc" "$(json_read "$json" ".files[$i].allocated")" "$what: --json allocated"
	assert_eq "$size" "$(json_read "$json" ".files[$i].size")" "$what: --json size"
	assert_eq "$size|$alloc" "$(sqlite3 "$db" "SELECT size_bytes, allocated_bytes FROM image_files WHERE path = '$f'")" \
		"$what: database size and allocated bytes"
	assert_file_line "${f%.*}.log" "  $f, $size, $alloc" "$what: the log's storage line"
}

part_raw() {
	local src=$1 t=$FX_WORK/s json=$FX_WORK/s.json
	assert_exit 0 "$FX_ACQUIRE" -q --json -f raw --sparse "$src" "$t"
	cp "$FX_OUT" "$json"
	assert_eq completed "$(json_read "$json" .status)" "raw --sparse: completed"
	assert_eq true "$(json_read "$json" .sparse)" "--json sparse"
	assert_eq "passed ($SIZE bytes re-read, all hashes equal)" \
		"$(json_read "$json" .verification)" "raw --sparse: read back and verified"
	assert_same_file "$src" "$t.raw" "raw --sparse: cmp with the source"
	assert_eq "$SIZE" "$(size_of "$t.raw")" "raw --sparse: logical size"
	assert_exit 0 bash -c 'cd "$1" && sha256sum -c s.sha256' _ "$FX_WORK"
	assert_eq "s.raw: OK" "$(stdout_of_last)" "raw --sparse: sha256sum -c"
	assert_sparse_file "$t.raw" "$json" 0 "$FX_WORK/case.db" "raw --sparse"
	assert_file_line "$t.log" "  Sparse:               yes (runs of zeros of 64 KiB or more left as holes)" "log: sparse"
	assert_eq 1 "$(sqlite3 "$FX_WORK/case.db" "SELECT json_extract(a.parameters_json, '\$.sparse') FROM acquisitions a JOIN image_files f ON f.acquisition_id = a.id WHERE f.path = '$t.raw'")" \
		"database: --sparse in the parameters"
	assert_exit 0 "$FX_BIN/verify" -q "$t.raw"
}

part_split() {
	local src=$1 t=$FX_WORK/p json=$FX_WORK/p.json i f total=0
	# --no-verify: the single raw image above was read back already
	assert_exit 0 "$FX_ACQUIRE" -q --json -f raw --sparse --no-verify --segment-size 512M "$src" "$t"
	cp "$FX_OUT" "$json"
	assert_eq completed "$(json_read "$json" .status)" "split --sparse: completed"
	assert_eq 4 "$(json_read "$json" '.files#')" "split --sparse: four segments"
	cat "$t".00[1-4] | cmp - "$src" >/dev/null || fail "split --sparse: the segments are not the source"
	check_ok
	assert_exit 0 bash -c 'cd "$1" && sha256sum -c p.sha256' _ "$FX_WORK"
	assert_eq $'p.001: OK\np.002: OK\np.003: OK\np.004: OK' "$(stdout_of_last)" "split --sparse: sha256sum -c"
	for i in 1 2 3 4; do
		f=$t.00$i
		assert_eq $((512 << 20)) "$(size_of "$f")" "split --sparse: size of $f"
		assert_eq "$(allocated_of "$f")" "$(json_read "$json" ".files[$((i - 1))].allocated")" "--json allocated of $f"
		assert_eq "$(allocated_of "$f")" \
			"$(sqlite3 "$FX_WORK/case.db" "SELECT allocated_bytes FROM image_files WHERE path = '$f'")" \
			"database: allocated bytes of $f"
		total=$((total + $(allocated_of "$f")))
	done
	assert_lt $((total * 100)) $((SIZE * 3)) "split --sparse: allocated $total of $SIZE bytes, under 3%"
	# the second segment (512 MiB..1 GiB) holds the data at 700 MiB only
	assert_lt "$(allocated_of "$t.002")" $((5 << 20)) "the second segment takes its 4 MiB of data"
}

# A plain raw image writes its zeros: it takes its whole size, recorded.
part_plain() {
	local small=$FX_WORK/small.bin t=$FX_WORK/plain
	assert_exit 0 "$FX_ACQUIRE" -q --json -f raw "$small" "$t"
	assert_eq false "$(json_read "$FX_OUT" .sparse)" "--json sparse without --sparse"
	assert_eq "$(allocated_of "$t.raw")" "$(json_read "$FX_OUT" '.files[0].allocated')" "plain raw: --json allocated"
	assert_lt $(((8 << 20) - 1)) "$(allocated_of "$t.raw")" "plain raw: every byte allocated"
	assert_file_line "$t.log" "  Sparse:               no" "log: not sparse"
}

# mount_no_holes IMG DIR: a file system without holes on DIR, unmounted at
# exit: vfat through the kernel where it has it, else exFAT through FUSE
# (exfat-fuse, on a loop device). Its name in FX_FS; returns 1 with the
# reason in FX_WHY. Must not run in a subshell.
mount_no_holes() {
	local img=$1 dir=$2 out dev
	mkdir -p "$dir"
	truncate -s 64M "$img"
	if grep -qw vfat /proc/filesystems && have_tool mkfs.vfat; then
		mkfs.vfat "$img" >/dev/null 2>&1 || fail "mkfs.vfat $img failed"
		if ! out=$(mount -o loop "$img" "$dir" 2>&1); then
			FX_WHY="mount -o loop (vfat) failed: $out"
			return 1
		fi
		defer umount "$dir"
		FX_FS=vfat
		return 0
	fi
	if ! have_tool mkfs.exfat || ! have_tool mount.exfat-fuse; then
		FX_WHY="no vfat in this kernel, and exfatprogs or exfat-fuse is not installed"
		return 1
	fi
	mkfs.exfat "$img" >/dev/null 2>&1 || fail "mkfs.exfat $img failed"
	if ! dev=$(losetup --find --show "$img" 2>&1); then
		FX_WHY="losetup $img failed: $dev"
		return 1
	fi
	defer losetup -d "$dev"
	if ! out=$(mount.exfat-fuse "$dev" "$dir" 2>&1); then
		FX_WHY="mount.exfat-fuse failed: $out"
		return 1
	fi
	defer umount "$dir"
	FX_FS=exFAT
}

part_refusals() {
	local src=$1 mnt=$FX_WORK/mnt why out
	assert_exit 2 "$FX_ACQUIRE" -q -f e01 --sparse "$src" "$FX_WORK/e"
	assert_eq "acquire: --sparse is for --format raw or iso: an E01 image compresses runs of zeros already (see acquire --help)" \
		"$(stderr_of_last)" "--sparse refused with e01"
	assert_missing "$FX_WORK/e.E01" "nothing written for --sparse with e01"
	assert_missing "$FX_WORK/e.log" "no log for --sparse with e01"
	why=$(loop_unavailable)
	if [[ -n $why ]]; then
		skip_part "refusal on a file system without holes: $why"
		return 0
	fi
	if ! mount_no_holes "$FX_WORK/nohole.img" "$mnt"; then
		skip_part "refusal on a file system without holes: $FX_WHY"
		return 0
	fi
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --sparse "$src" "$mnt/v"
	out=$(stderr_of_last)
	assert_contains "$out" "acquire: --sparse: the file system of $mnt does not keep holes (one byte written at 1 MiB took " \
		"--sparse refused on $FX_FS"
	assert_contains "$out" "bytes), so a sparse image would take its full size; write a plain raw image, or to a file system with holes (ext4, XFS, Btrfs, tmpfs)" \
		"--sparse refusal on $FX_FS says what to do"
	assert_eq 1 "$(printf '%s\n' "$out" | wc -l)" "one line"
	assert_eq "" "$(ls -A "$mnt")" "nothing left on the $FX_FS file system (the probe removed)"
	# without --sparse the same destination takes a plain raw image
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --no-verify "$FX_WORK/small.bin" "$mnt/v"
}

main() {
	local src
	need_tool sqlite3 du cmp sha256sum truncate
	fx_begin
	src=$FX_WORK/source.bin
	make_source "$src"
	# the test's own directory must keep holes, or nothing here can pass
	printf x | dd of="$FX_WORK/.probe" bs=1 seek=$((1 << 20)) status=none
	sync "$FX_WORK/.probe"
	(($(allocated_of "$FX_WORK/.probe") < (1 << 20))) ||
		skip "the file system of $FX_WORK does not keep holes"
	rm -f "$FX_WORK/.probe"
	truncate -s 8M "$FX_WORK/small.bin"
	part_refusals "$src"
	part_plain
	part_raw "$src"
	part_split "$src"
	fx_pass
}
main "$@"
