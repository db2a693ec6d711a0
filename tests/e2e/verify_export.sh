#!/usr/bin/env bash
# End to end: verify export EVIDENCE --to raw|vhd|vmdk -o PATH. The sample
# disk acquired to E01 and to split raw is exported in every format; other
# tools read the exports as the disk: qemu-img info names the format and
# the virtual size, qemu-img compare finds them identical to the source,
# The Sleuth Kit (mmls, fls) reads the raw and the VHD (through libvhdi) as
# it reads the disk. The export event in the database (sqlite3 and verify
# list --json) holds the media's hashes and each file's size and SHA-256
# (computed here with sha256sum); the audit chain stays intact. A tampered
# segment is refused (exit 1, the export removed, only the failed
# verification recorded); an existing PATH or extent (exit 2) and a media
# size that is not whole sectors for VHD (exit 2) are refused before
# anything is read or recorded.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify

flip() {
	local b
	b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
	chmod u+w "$1"
	# shellcheck disable=SC2059 # the format is the byte, built here
	printf "\\x$(printf '%02x' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

count() { sqlite3 "$1" "$2"; }

# check_qemu FILE QEMU_FORMAT SRC: qemu-img names the format and the
# disk's size, and finds the contents identical to SRC.
check_qemu() {
	local info
	info=$(qemu-img info -f "$2" --output=json "$1")
	assert_eq "$2 67108864" "$(printf '%s' "$info" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["format"], d["virtual-size"])')" \
		"qemu-img info: $1 is $2 of the disk's size"
	assert_exit 0 qemu-img compare -f raw -F "$2" "$3" "$1"
	assert_eq "Images are identical." "$(stdout_of_last)" "qemu-img compare: $1 is the disk"
}

# check_tsk FILE [-i TYPE] SRC: mmls and fls read FILE as they read SRC.
check_tsk() {
	local file=$1 src=${*: -1} want got
	shift
	set -- "${@:1:$#-1}"
	want=$(mmls "$src")
	got=$(mmls "$@" "$file")
	assert_eq "$want" "$got" "mmls reads $file as the disk"
	assert_contains "$got" "004:  000       0000002048   0000049151   0000047104   fxsample-ext4" "mmls: the ext4 partition of $file"
	want=$(fls -r -o 2048 "$src")
	got=$(fls -r -o 2048 "$@" "$file")
	assert_eq "$want" "$got" "fls lists the ext4 files of $file as of the disk"
	assert_contains "$got" $'r/r 12:\tREADME.txt' "fls: README.txt in $file"
}

# strace_usable: status 0 when strace can trace a child here.
strace_usable() {
	have_tool strace && strace -f -qq -o /dev/null true >/dev/null 2>&1
}

# stop_traced PID: SIGKILL to PID if it is still our strace (for defer).
stop_traced() {
	if [[ $(readlink "/proc/$1/exe" 2>/dev/null) == "$(readlink -f "$(command -v strace)")" ]]; then
		kill -9 "$1"
	fi
}

# A full file system: the write fails (exit 4, naming the file), what was
# written is removed, the verification is recorded as it ended (error).
test_full() {
	local dir=$1 fs=$1/fs db=$1/case.db out
	mkdir "$fs"
	if [[ $(id -u) != 0 ]]; then
		skip_part "full file system: needs root to mount a tmpfs"
		return 0
	fi
	if ! out=$(mount -t tmpfs -o size=8m fxexport "$fs" 2>&1); then
		skip_part "full file system: mount -t tmpfs failed: $out"
		return 0
	fi
	defer umount "$fs"
	assert_exit 4 "$FX_VERIFY" export HD-1 --to vhd -o "$fs/full.vhd"
	assert_contains "$(stderr_of_last)" "verify: export of evidence HD-1 to $fs/full.vhd failed: cannot write $fs/full.vhd at byte " \
		"full: the file named"
	assert_contains "$(stderr_of_last)" ": No space left on device"$'\n'"verify: export: nothing of $fs/full.vhd is left (what it wrote was removed)" \
		"full: why, and removed"
	assert_missing "$fs/full.vhd" "full: the partial export removed"
	assert_eq "error|verify export" "$(count "$db" "SELECT result || '|' || tool FROM verifications ORDER BY id DESC LIMIT 1")" \
		"full: the verification recorded as it ended"
}

# SIGINT while the export reads (strace slows each 1 MiB read of the
# image): exit 130, the export removed, the verification interrupted.
test_interrupt() {
	local dir=$1 src=$2 db=$1/case.db spid pid rc=0 i
	if ! strace_usable; then
		skip_part "SIGINT during export: strace is missing or cannot trace here"
		return 0
	fi
	head -c $((8 * 1048576)) "$src" >"$dir/eight.bin"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-1 --evidence SIG-1 "$dir/eight.bin" "$dir/eight"
	env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$dir/trace" -P "$dir/eight.raw" -e trace=pread64 \
		-e inject=pread64:delay_enter=400000 \
		"$FX_VERIFY" export SIG-1 --to vmdk -o "$dir/sig.vmdk" >"$FX_OUT" 2>"$FX_ERR" &
	spid=$!
	defer stop_traced "$spid"
	for ((i = 0; i < 600; i++)); do
		[[ -f $dir/trace ]] && grep -q ') = 1048576' "$dir/trace" && break
		kill -0 "$spid" 2>/dev/null || fail "the export ended before it read: $(cat "$FX_ERR")"
		sleep 0.05
	done
	pid=$(cat /proc/"$spid"/task/*/children | tr ' ' '\n' | awk 'NF { print; exit }')
	kill -INT "$pid"
	wait "$spid" 2>/dev/null || rc=$?
	assert_eq 130 "$rc" "SIGINT: exit code"
	assert_contains "$(cat "$FX_ERR")" "verify: export of evidence SIG-1 to $dir/sig.vmdk REFUSED: the verification was interrupted (verification " \
		"SIGINT: refused"
	assert_missing "$dir/sig.vmdk" "SIGINT: no descriptor"
	assert_missing "$dir/sig-flat.vmdk" "SIGINT: no extent"
	assert_eq "interrupted|verify export" "$(count "$db" "SELECT result || '|' || tool FROM verifications ORDER BY id DESC LIMIT 1")" \
		"SIGINT: the verification recorded as interrupted"
	assert_eq 0 "$(count "$db" "SELECT count(*) FROM exports e JOIN evidence v ON v.id = e.evidence_id WHERE v.evidence_number = 'SIG-1'")" \
		"SIGINT: no export recorded"
}

main() {
	need_tool sqlite3 od qemu-img mmls fls python3 sha256sum
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local src dir=$FX_WORK/lab db disk_sha ver n out json
	src=$(sample_disk)
	disk_sha=$(sha_of "$src")
	mkdir "$dir"
	db=$dir/case.db
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 --case CASE-1 --evidence HD-1 "$src" "$dir/hd1"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 16M --case CASE-1 --evidence USB-2 "$src" "$dir/usb2"
	cd "$dir" # the default database is ./case.db

	# ---- usage, refused before the database is opened
	assert_exit 2 "$FX_VERIFY" export HD-1 --to qcow2 -o "$dir/x.qcow2"
	assert_eq "verify: export: --to: unknown export format 'qcow2' (raw, vhd, vmdk) (see verify --help)" "$(stderr_of_last)" "unknown format"
	assert_exit 2 "$FX_VERIFY" export HD-1 --to raw
	assert_eq "verify: export: -o PATH is required (see verify --help)" "$(stderr_of_last)" "-o required"
	assert_exit 2 "$FX_VERIFY" export HD-1 --to raw -o "$dir/nodir/x.raw"
	assert_eq "verify: export: -o $dir/nodir/x.raw: its directory does not exist (see verify --help)" "$(stderr_of_last)" "missing directory"
	assert_exit 2 "$FX_VERIFY" export NOPE --to raw -o "$dir/x.raw"
	assert_eq "verify: export: no evidence NOPE in the case database (see verify --help)" "$(stderr_of_last)" "unknown evidence"

	# ---- E01 to raw, VHD and VMDK
	n=$(count "$db" "SELECT count(*) FROM verifications")
	assert_exit 0 "$FX_VERIFY" export HD-1 --to raw -o hd1.raw
	ver=$(count "$db" "SELECT max(id) FROM verifications")
	assert_eq "$((n + 1))" "$ver" "one verification per export"
	assert_eq "verify: evidence HD-1 exported as raw to $dir/hd1.raw (export 1, after verification $ver)
  $dir/hd1.raw  67108864 bytes  SHA-256 $disk_sha" "$(stdout_of_last)" "raw: what was written"
	assert_exit 0 "$FX_VERIFY" export HD-1 --to vhd -o "$dir/hd1.vhd"
	assert_eq "verify: evidence HD-1 exported as vhd to $dir/hd1.vhd (export 2, after verification $((ver + 1)))
  $dir/hd1.vhd  67109376 bytes  SHA-256 $(sha_of "$dir/hd1.vhd")" "$(stdout_of_last)" "vhd: what was written"
	assert_exit 0 "$FX_VERIFY" -q export HD-1 --to vmdk -o "$dir/hd1.vmdk"
	assert_eq "" "$(stdout_of_last)" "-q: nothing printed"
	assert_eq "verified|verify export|verified|verify export|verified|verify export" \
		"$(count "$db" "SELECT group_concat(result || '|' || tool, '|') FROM (SELECT result, tool FROM verifications WHERE id > $n ORDER BY id)")" \
		"each export's verification recorded"
	assert_eq "-r--r--r-- -r--r--r-- -r--r--r-- -r--r--r--" \
		"$(stat -c %A hd1.raw hd1.vhd hd1.vmdk hd1-flat.vmdk | tr '\n' ' ' | sed 's/ $//')" "exports are read-only"
	assert_same_file "$src" hd1.raw "raw export is the disk"
	assert_same_file "$src" hd1-flat.vmdk "the VMDK extent is the disk"
	assert_eq "$(head -c 67108864 hd1.vhd | sha256sum | cut -d' ' -f1)" "$disk_sha" "the VHD holds the disk, then its footer"
	assert_eq "conectix" "$(tail -c 512 hd1.vhd | head -c 8)" "the VHD footer"
	assert_file_line hd1.vmdk 'createType="monolithicFlat"' "VMDK descriptor: monolithicFlat"
	assert_file_line hd1.vmdk 'RW 131072 FLAT "hd1-flat.vmdk" 0' "VMDK descriptor: the extent"
	assert_file_line hd1.vmdk "CID=${disk_sha:0:8}" "VMDK descriptor: CID from the media"
	check_qemu hd1.raw raw "$src"
	check_qemu hd1.vhd vpc "$src"
	check_qemu hd1.vmdk vmdk "$src"
	check_tsk hd1.raw "$src"
	check_tsk hd1.vhd -i vhd "$src"

	# ---- split raw to VHD (the segment hashing and the export share a read)
	assert_exit 0 "$FX_VERIFY" export USB-2 --to vhd -o usb2.vhd
	check_qemu usb2.vhd vpc "$src"

	# ---- the records: sqlite3, verify list --json, the audit chain
	assert_eq "1|raw|$dir/hd1.raw|67108864|$disk_sha
2|vhd|$dir/hd1.vhd|67108864|$disk_sha
3|vmdk|$dir/hd1.vmdk|67108864|$disk_sha
4|vhd|$dir/usb2.vhd|67108864|$disk_sha" \
		"$(count "$db" "SELECT id, format, path, media_bytes, sha256 FROM exports ORDER BY id")" "export rows"
	assert_eq "$(md5sum "$src" | cut -d' ' -f1) $(sha1sum "$src" | cut -d' ' -f1)" \
		"$(count "$db" "SELECT md5 || ' ' || sha1 FROM exports WHERE id = 1")" "export: the media's MD5 and SHA-1"
	assert_eq "$dir/hd1.raw|67108864|$disk_sha
$dir/hd1.vhd|67109376|$(sha_of hd1.vhd)
$dir/hd1.vmdk|$(stat -c %s hd1.vmdk)|$(sha_of hd1.vmdk)
$dir/hd1-flat.vmdk|67108864|$disk_sha
$dir/usb2.vhd|67109376|$(sha_of usb2.vhd)" \
		"$(count "$db" "SELECT path, size_bytes, sha256 FROM export_files ORDER BY id")" "export files: sizes and SHA-256 as sha256sum says"
	assert_eq "$(id -un)|verify export" "$(count "$db" "SELECT DISTINCT actor || '|' || tool FROM exports")" "who and with what"
	assert_eq 4 "$(count "$db" "SELECT count(*) FROM audit_log WHERE action = 'export.record'")" "one export.record event each"
	assert_exit 0 "$FX_VERIFY" list
	assert_contains "$(stdout_of_last)" "    export 3: vmdk to $dir/hd1.vmdk at " "list: the VMDK export"
	assert_contains "$(stdout_of_last)" "      $dir/hd1-flat.vmdk: 67108864 bytes, SHA-256 $disk_sha" "list: its extent"
	assert_exit 0 "$FX_VERIFY" list --json
	json=$FX_WORK/list.json
	cp "$FX_OUT" "$json"
	assert_eq vmdk "$(json_get "$json" '.cases[0].evidence[0].exports[2].format')" "list --json: the VMDK export"
	assert_eq "$dir/hd1-flat.vmdk" "$(json_get "$json" '.cases[0].evidence[0].exports[2].files[1].path')" "list --json: its extent"
	assert_eq "$disk_sha" "$(json_get "$json" '.cases[0].evidence[0].exports[2].files[1].sha256')" "list --json: the extent's SHA-256"
	assert_eq "$disk_sha" "$(json_get "$json" '.cases[0].evidence[0].exports[2].media_hashes.sha256')" "list --json: the media's SHA-256"
	assert_eq "$(sha_of usb2.vhd)" "$(json_get "$json" '.cases[0].evidence[1].exports[0].files[0].sha256')" "list --json: USB-2's export"
	assert_exit 0 "$FX_VERIFY" audit
	assert_contains "$(stdout_of_last)" "verify: audit chain of case.db is intact: 18 events, 0 signed" "audit: intact with the exports"

	# ---- --json
	assert_exit 0 "$FX_VERIFY" --json export HD-1 --to raw -o hd1-again.raw
	out=$FX_WORK/e.json
	cp "$FX_OUT" "$out"
	assert_eq recorded "$(json_get "$out" .export)" "--json: recorded"
	assert_eq 5 "$(json_get "$out" .export_id)" "--json: export id"
	assert_eq "$disk_sha" "$(json_get "$out" '.files[0].sha256')" "--json: the file's SHA-256"
	assert_eq verified "$(json_get "$out" .verification.status)" "--json: the verification object"

	# ---- existing names: refused before anything is read or recorded
	n=$(count "$db" "SELECT count(*) FROM verifications")
	echo "keep me" >taken.vhd
	assert_exit 2 "$FX_VERIFY" export HD-1 --to vhd -o taken.vhd
	assert_eq "verify: export: refusing to overwrite existing file $dir/taken.vhd" "$(stderr_of_last)" "existing PATH refused"
	assert_eq "keep me" "$(cat taken.vhd)" "existing PATH untouched"
	ln -s /nonexistent "$dir/link-flat.vmdk"
	assert_exit 2 "$FX_VERIFY" export HD-1 --to vmdk -o link.vmdk
	assert_eq "verify: export: refusing to overwrite existing file $dir/link-flat.vmdk (a symbolic link, never followed)" \
		"$(stderr_of_last)" "existing extent refused"
	assert_missing link.vmdk "no descriptor without its extent"
	assert_eq "$n" "$(count "$db" "SELECT count(*) FROM verifications")" "refusals read nothing, record nothing"

	# ---- a media size that is not whole sectors: VHD refused, raw kept
	head -c 1048676 "$src" >odd.bin
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-1 --evidence ODD-1 "$dir/odd.bin" "$dir/odd"
	assert_exit 2 "$FX_VERIFY" export ODD-1 --to vhd -o odd.vhd
	assert_eq "verify: export of evidence ODD-1 to $dir/odd.vhd failed: the media is 1048676 bytes, not a multiple of 512: a VHD holds whole 512-byte sectors (export --to raw keeps every byte)" \
		"$(stderr_of_last)" "odd size: VHD refused"
	assert_missing odd.vhd "odd size: nothing written"
	assert_eq "$((n + 1))" "$(count "$db" "SELECT count(*) FROM verifications")" "odd size: nothing read, nothing recorded"
	assert_exit 0 "$FX_VERIFY" -q export ODD-1 --to raw -o odd-export.raw
	assert_same_file odd.bin odd-export.raw "odd size: raw keeps every byte"

	# ---- tampered: refused, removed, the failed verification recorded
	n=$(count "$db" "SELECT count(*) FROM exports")
	flip "$dir/usb2.002" 4096
	assert_exit 1 "$FX_VERIFY" export USB-2 --to vhd -o tampered.vhd
	ver=$(count "$db" "SELECT max(id) FROM verifications")
	assert_eq "verify: export of evidence USB-2 to $dir/tampered.vhd REFUSED: the image does not match its record (verification $ver recorded)
verify: export: nothing of $dir/tampered.vhd is left (what it wrote was removed)" "$(stderr_of_last)" "tampered: refused"
	assert_contains "$(stdout_of_last)" "image file $dir/usb2.002 (media bytes 16777216-33554431): SHA-256 differs from the acquisition record" \
		"tampered: the segment named"
	assert_missing tampered.vhd "tampered: the partial export removed"
	assert_eq "$n" "$(count "$db" "SELECT count(*) FROM exports")" "tampered: no export recorded"
	assert_eq "mismatch|verify export" "$(count "$db" "SELECT result || '|' || tool FROM verifications WHERE id = $ver")" \
		"tampered: the failed verification recorded"
	assert_exit 1 "$FX_VERIFY" --json -q export USB-2 --to vmdk -o tampered.vmdk
	cp "$FX_OUT" "$out"
	assert_eq refused "$(json_get "$out" .export)" "tampered --json: refused"
	assert_eq 0 "$(json_get "$out" '.files#')" "tampered --json: no files"
	assert_missing tampered.vmdk "tampered: no descriptor"
	assert_missing tampered-flat.vmdk "tampered: no extent"
	test_full "$dir"
	test_interrupt "$dir" "$src"
	assert_exit 0 "$FX_VERIFY" audit
	fx_pass
}

main "$@"
