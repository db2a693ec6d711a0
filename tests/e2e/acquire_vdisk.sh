#!/usr/bin/env bash
# End to end: virtual disks as sources (acquire --source-format). The sample
# disk is converted by qemu-img into every container the issue names (VMDK
# monolithic sparse, split sparse and flat; VHD fixed and dynamic; VHDX;
# QCOW2; a QCOW2 differencing chain), and acquired: the media's SHA-256
# must be the sample disk's and that of `qemu-img convert -O raw` of the
# container; every container file is listed with the SHA-256 sha256sum
# gives it; the containers are never opened for writing (strace) and are
# unchanged afterwards. A missing extent or parent, a truncated and a
# corrupted container fail with one line naming the file, exit 4, nothing
# recorded as completed; a container imaged as raw is said so.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify

# make_containers SRC DIR: every container of SRC, made by qemu-img.
# force_size keeps a VHD's size exact (qemu would round it up to a
# cylinder-head-sector geometry: a disk with a different size).
make_containers() {
	local src=$1 d=$2
	mkdir -p "$d"
	qemu-img convert -O vmdk "$src" "$d/mono.vmdk"
	qemu-img convert -O vmdk -o subformat=twoGbMaxExtentSparse "$src" "$d/split.vmdk"
	qemu-img convert -O vmdk -o subformat=monolithicFlat "$src" "$d/flat.vmdk"
	qemu-img convert -O vpc -o subformat=fixed,force_size=on "$src" "$d/fixed.vhd"
	qemu-img convert -O vpc -o subformat=dynamic,force_size=on "$src" "$d/dynamic.vhd"
	qemu-img convert -O vhdx "$src" "$d/disk.vhdx"
	qemu-img convert -O qcow2 "$src" "$d/disk.qcow2"
}

# qemu_format FORMAT: qemu-img's name of a --source-format.
qemu_format() {
	case $1 in
	vhd) echo vpc ;;
	*) echo "$1" ;;
	esac
}

# acquire_ok FORMAT CONTAINER TARGET [ARGS...]: acquires, expects exit 0,
# keeps --json in TARGET.json.
acquire_ok() {
	local fmt=$1 c=$2 t=$3
	shift 3
	assert_exit 0 "$FX_ACQUIRE" -q --json --source-format "$fmt" "$@" "$c" "$t"
	cp "$FX_OUT" "$t.json"
}

# check_container_files JSON FILE...: the --json lists exactly these
# container files, in order, each with its size and SHA-256.
check_container_files() {
	local json=$1 i=0 f
	shift
	assert_eq "$#" "$(json_get "$json" '.container_files#')" "$json: number of container files"
	for f in "$@"; do
		assert_eq "$f" "$(json_get "$json" ".container_files[$i].path")" "$json: container file $i"
		assert_eq "$(size_of "$f")" "$(json_get "$json" ".container_files[$i].size")" "$json: size of $f"
		assert_eq "$(sha256_of "$f")" "$(json_get "$json" ".container_files[$i].sha256")" "$json: SHA-256 of $f"
		i=$((i + 1))
	done
}

# Every format: the guest's disk, bit for bit; the record of its files.
test_formats() {
	local src=$1 d=$2 out=$FX_WORK/formats want row name fmt c t raw files
	mkdir "$out"
	want=$(sha256_of "$src")
	for row in mono:vmdk:mono.vmdk split:vmdk:split.vmdk,split-s001.vmdk \
		flat:vmdk:flat.vmdk,flat-flat.vmdk fixed:vhd:fixed.vhd \
		dynamic:vhd:dynamic.vhd vhdx:vhdx:disk.vhdx qcow2:qcow2:disk.qcow2; do
		IFS=: read -r name fmt files <<<"$row"
		c=$d/${files%%,*}
		t=$out/$name
		acquire_ok "$fmt" "$c" "$t" --format raw
		assert_eq "$want" "$(json_get "$t.json" .hashes.sha256)" "$name: media SHA-256 is the sample disk's"
		assert_eq "$(size_of "$src")" "$(json_get "$t.json" .size)" "$name: media size"
		assert_eq "$fmt" "$(json_get "$t.json" .source_format)" "$name: --json source_format"
		assert_same_file "$src" "$t.raw" "$name: the image equals the sample disk"
		# the input format named: qemu-img probes a fixed VHD (no magic
		# at its start) as raw, footer included
		qemu-img convert -f "$(qemu_format "$fmt")" -O raw "$c" "$out/$name.qemu.img"
		assert_eq "$(sha256_of "$out/$name.qemu.img")" "$want" "$name: qemu-img convert -O raw gives the same disk"
		rm -f "$out/$name.qemu.img"
		IFS=, read -r -a files <<<"$files"
		check_container_files "$t.json" "${files[@]/#/$d/}"
		assert_eq "virtual disk" "$(log_value "$t.log" '  Type')" "$name: log: source type"
		assert_eq "$fmt (the virtual disk the guest sees; size, sectors and hashes are the virtual disk's)" \
			"$(log_value "$t.log" '  Source format')" "$name: log: source format"
		assert_file_line "$t.log" "    image         $(sha256_of "$c")  $(size_of "$c") bytes  $c" \
			"$name: log lists the container file"
		assert_log_completed "$t.log" "$src"
	done
	# the record: the container files in the case database (source_files),
	# verify list shows them; verify reads the image as a disk's
	assert_eq "image|vmdk|$d/split.vmdk|$(size_of "$d/split.vmdk")|$(sha256_of "$d/split.vmdk")
extent|vmdk|$d/split-s001.vmdk|$(size_of "$d/split-s001.vmdk")|$(sha256_of "$d/split-s001.vmdk")" \
		"$(sqlite3 "$out/case.db" "SELECT role, format, path, size_bytes, sha256 FROM source_files
			WHERE acquisition_id = (SELECT id FROM acquisitions WHERE json_extract(parameters_json, '$.source_format') = 'vmdk'
			AND command_line LIKE '%split.vmdk%') ORDER BY id")" \
		"case database: the split VMDK's two container files"
	assert_eq 9 "$(sqlite3 "$out/case.db" "SELECT count(*) FROM source_files")" \
		"case database: one row per container file of the seven acquisitions"
	assert_exit 0 "$FX_VERIFY" list --db "$out/case.db"
	assert_contains "$(stdout_of_last)" "      source: vmdk virtual disk, 2 container files
        image $d/split.vmdk, $(size_of "$d/split.vmdk") bytes, SHA-256 $(sha256_of "$d/split.vmdk")
        extent $d/split-s001.vmdk, $(size_of "$d/split-s001.vmdk") bytes, SHA-256 $(sha256_of "$d/split-s001.vmdk")" \
		"verify list shows the container files"
	# a virtual disk's run is never resumed (its containers are hashed
	# before and checked after one whole run): refused, naming why
	assert_exit 2 "$FX_ACQUIRE" --resume --db "$out/case.db" "$out/split"
	assert_contains "$(stderr_of_last)" "read a virtual disk (--source-format): its container files are hashed before and checked after one whole run, so it is never resumed; acquire it anew" \
		"acquire --resume of a virtual disk's acquisition: refused"
	assert_exit 0 "$FX_VERIFY" audit --db "$out/case.db"
	assert_contains "$(stdout_of_last)" "is intact" "verify audit: the chain holds the container files"
	assert_exit 0 "$FX_VERIFY" report --db "$out/case.db" --case unassigned --format text -o "$out/report.txt"
	assert_contains "$(cat "$out/report.txt")" "$d/split-s001.vmdk" "the text report names the container files"
	assert_exit 0 "$FX_VERIFY" report --db "$out/case.db" --case unassigned --format json -o "$out/report.json"
	assert_eq "image vmdk $d/split.vmdk $(size_of "$d/split.vmdk") $(sha256_of "$d/split.vmdk")" \
		"$(python3 -c 'import json, sys
for e in json.load(open(sys.argv[1]))["evidence"]:
	for a in e["acquisitions"]:
		for f in a["source_files"]:
			if f["path"].endswith("/split.vmdk"):
				print(f["role"], f["format"], f["path"], f["size_bytes"], f["sha256"])' "$out/report.json")" \
		"the JSON report lists the container files"
	if python3 -c 'import jsonschema' 2>/dev/null; then
		python3 -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
			"$out/report.json" "$FX_ROOT/schemas/report.schema.json" ||
			fail "the JSON report does not follow schemas/report.schema.json"
		check_ok
	else
		skip_part "python3-jsonschema not installed: the JSON report is not validated"
	fi
	assert_exit 0 "$FX_VERIFY" image -q --db "$out/case.db" "$out/qcow2.raw"
}

# E01 and split raw of a virtual disk; verify reads them as any image.
test_e01_split() {
	local src=$1 d=$2 out=$FX_WORK/e01
	mkdir "$out"
	acquire_ok vhdx "$d/disk.vhdx" "$out/x"
	assert_eq "$(sha256_of "$src")" "$(json_get "$out/x.json" .hashes.sha256)" "E01 of a VHDX: media SHA-256"
	assert_eq "$(md5_of "$src")" "$(json_get "$out/x.json" .hashes.md5)" "E01 of a VHDX: media MD5"
	assert_exit 0 "$FX_VERIFY" image -q --db "$out/case.db" "$out/x.E01"
	if have_tool ewfverify; then
		assert_exit 0 ewfverify -q "$out/x.E01"
	fi
	acquire_ok qcow2 "$d/disk.qcow2" "$out/s" --format raw --segment-size 16M
	assert_eq 4 "$(json_get "$out/s.json" '.files#')" "split raw of a QCOW2: four 16 MiB files"
	assert_exit 0 "$FX_VERIFY" image -q --db "$out/case.db" "$out/s.001"
	cat "$out"/s.00? | cmp - "$src" || fail "split raw of a QCOW2 differs from the sample disk"
	check_ok
}

# A QCOW2 child with its backing file; then the parent missing.
test_chain() {
	local src=$1 d=$2 out=$FX_WORK/chain c
	mkdir "$out" "$out/vm"
	cp "$d/disk.qcow2" "$out/vm/base.qcow2"
	qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 "$out/vm/child.qcow2"
	# a guest write in the child: 4 KiB at 1 MiB
	qemu-io -f qcow2 -c "write -P 0x5a 1M 4k" "$out/vm/child.qcow2" >/dev/null
	qemu-img convert -O raw "$out/vm/child.qcow2" "$out/child.qemu.img"
	acquire_ok qcow2 "$out/vm/child.qcow2" "$out/a" --format raw
	assert_same_file "$out/child.qemu.img" "$out/a.raw" "a differencing chain reads as qemu-img reads it"
	assert_ne "$(sha256_of "$src")" "$(sha256_of "$out/a.raw")" "the child's write is in the image"
	check_container_files "$out/a.json" "$out/vm/child.qcow2" "$out/vm/base.qcow2"
	assert_eq parent "$(json_get "$out/a.json" '.container_files[1].role')" "the backing file's role"
	mv "$out/vm/base.qcow2" "$out/base.moved"
	assert_exit 4 "$FX_ACQUIRE" -q --source-format qcow2 "$out/vm/child.qcow2" "$out/b"
	assert_eq "acquire: parent disk $out/vm/base.qcow2 named by $out/vm/child.qcow2 is missing: No such file or directory" \
		"$(stderr_of_last)" "a missing parent: one line naming it"
	assert_missing "$out/b.E01" "nothing is written for a missing parent"
	assert_missing "$out/b.log" "no log for a missing parent"
	# a VMDK snapshot: the child names its parent and the parent's CID
	qemu-img convert -O vmdk "$src" "$out/vm/base.vmdk"
	qemu-img create -q -f vmdk -b base.vmdk -F vmdk "$out/vm/snap.vmdk"
	qemu-io -f vmdk -c "write -P 0xa5 3M 8k" "$out/vm/snap.vmdk" >/dev/null
	qemu-img convert -f vmdk -O raw "$out/vm/snap.vmdk" "$out/snap.qemu.img"
	acquire_ok vmdk "$out/vm/snap.vmdk" "$out/v" --format raw
	assert_same_file "$out/snap.qemu.img" "$out/v.raw" "a VMDK snapshot reads as qemu-img reads it"
	check_container_files "$out/v.json" "$out/vm/snap.vmdk" "$out/vm/base.vmdk"
	# the parent written to after the snapshot: its CID changes
	qemu-io -f vmdk -c "write -P 0x11 2M 4k" "$out/vm/base.vmdk" >/dev/null
	assert_exit 4 "$FX_ACQUIRE" -q --source-format vmdk "$out/vm/snap.vmdk" "$out/w"
	assert_eq "acquire: parent $out/vm/base.vmdk is not the disk $out/vm/snap.vmdk was made from (its identifier differs: replaced or changed since)" \
		"$(stderr_of_last)" "a VMDK parent changed since the snapshot is refused"
	assert_missing "$out/w.E01" "nothing is written for a parent that changed"
	if qemu-img create -q -f vpc -b "$d/dynamic.vhd" -F vpc "$out/diff.vhd" 2>/dev/null; then
		fail "qemu-img made a differencing VHD: add the VHD chain test"
	else
		skip_part "a differencing VHD chain: qemu-img cannot create one (libvhdi reads them; fx_source_open_virtual follows the parent)"
	fi
}

# A missing extent, a truncated and a corrupted container, a wrong format.
test_damage() {
	local d=$1 out=$FX_WORK/damage
	mkdir "$out" "$out/vm"
	cp "$d/split.vmdk" "$out/vm/"
	assert_exit 4 "$FX_ACQUIRE" -q --source-format vmdk "$out/vm/split.vmdk" "$out/a"
	assert_eq "acquire: extent $out/vm/split-s001.vmdk named by $out/vm/split.vmdk is missing: No such file or directory" \
		"$(stderr_of_last)" "a missing extent: one line naming it"
	assert_missing "$out/a.E01" "nothing is written for a missing extent"

	# the header's magic overwritten: refused at open, before any file
	cp "$d/disk.qcow2" "$out/bad.qcow2"
	printf 'XXXX' | dd of="$out/bad.qcow2" conv=notrunc status=none
	assert_exit 4 "$FX_ACQUIRE" -q --source-format qcow2 "$out/bad.qcow2" "$out/b"
	assert_eq "acquire: QCOW $out/bad.qcow2: unsupported file signature (unable to open file: $out/bad.qcow2)" \
		"$(stderr_of_last)" "a corrupted QCOW2 header"
	assert_missing "$out/b.E01" "nothing is written for a corrupted header"
	cp "$d/dynamic.vhd" "$out/trunc.vhd"
	truncate -s 8M "$out/trunc.vhd"
	assert_exit 4 "$FX_ACQUIRE" -q --source-format vhd "$out/trunc.vhd" "$out/c"
	assert_contains "$(stderr_of_last)" "acquire: VHD $out/trunc.vhd: " "a truncated dynamic VHD (its footer gone) names the file"
	assert_missing "$out/c.E01" "nothing is written for a truncated VHD"

	# truncated where the tables point past the end: found when reading
	cp "$d/disk.qcow2" "$out/trunc.qcow2"
	truncate -s 4M "$out/trunc.qcow2"
	assert_exit 4 "$FX_ACQUIRE" -q --json --source-format qcow2 --format raw "$out/trunc.qcow2" "$out/e"
	assert_contains "$(stderr_of_last)" "acquire: failed: qcow2 $out/trunc.qcow2 is damaged: the virtual disk cannot be read at byte " \
		"a truncated QCOW2: the file, and where"
	assert_eq failed "$(json_get "$FX_OUT" .status)" "a truncated container is a failed acquisition"
	assert_eq "0" "$(json_get "$FX_OUT" '.bad_sectors#')" "corruption is no unreadable sector"
	assert_eq "failed" "$(sqlite3 "$out/case.db" "SELECT status FROM acquisitions ORDER BY id DESC LIMIT 1")" \
		"the case database records it failed"
	assert_missing "$out/e.sha256" "no .sha256 for a failed run"
	# a cluster table entry pointing far past the end (corrupt, not short)
	cp "$d/mono.vmdk" "$out/vm/mono.vmdk"
	truncate -s 2M "$out/vm/mono.vmdk"
	assert_exit 4 "$FX_ACQUIRE" -q --source-format vmdk --format raw "$out/vm/mono.vmdk" "$out/f"
	assert_contains "$(stderr_of_last)" "acquire: failed: vmdk $out/vm/mono.vmdk is damaged: the virtual disk cannot be read at byte " \
		"a truncated VMDK: the file, and where"
	# a monolithic VMDK names itself as its extent: renamed, it is missing
	mv "$out/vm/mono.vmdk" "$out/vm/renamed.vmdk"
	assert_exit 4 "$FX_ACQUIRE" -q --source-format vmdk "$out/vm/renamed.vmdk" "$out/f2"
	assert_eq "acquire: extent $out/vm/mono.vmdk named by $out/vm/renamed.vmdk is missing: No such file or directory (a monolithic VMDK names itself as its extent: was it renamed? give it back the name mono.vmdk)" \
		"$(stderr_of_last)" "a renamed monolithic VMDK: what to do"

	# an output that is a file of the set: refused before anything is opened
	assert_exit 2 "$FX_ACQUIRE" -q --source-format vmdk --db "$d/split-s001.vmdk" "$d/split.vmdk" "$out/k"
	assert_eq "acquire: destination $d/split-s001.vmdk is the source file $d/split-s001.vmdk" \
		"$(stderr_of_last)" "the case database cannot be an extent of the source"
	assert_missing "$out/k.E01" "nothing is written when an output is a container file"
	assert_exit 2 "$FX_ACQUIRE" -q --source-format vhd "$d/disk.vhdx" "$out/g"
	assert_eq "acquire: $d/disk.vhdx is a VHDX file, not VHD (use --source-format vhdx)" \
		"$(stderr_of_last)" "a VHDX given as VHD"
	assert_exit 2 "$FX_ACQUIRE" -q --source-format vdi "$d/disk.vhdx" "$out/h"
	assert_eq "acquire: --source-format: unknown format 'vdi' (raw, vmdk, vhd, vhdx or qcow2) (see acquire --help)" \
		"$(stderr_of_last)" "an unknown source format"
	assert_exit 2 "$FX_ACQUIRE" -q --source-format qcow2 "$out/none.qcow2" "$out/i"
	assert_eq "acquire: source $out/none.qcow2: No such file or directory" \
		"$(stderr_of_last)" "a missing SOURCE is a usage error, as for any source"
	# a virtual disk is read by path: not from a stream (either end)
	assert_exit 2 "$FX_ACQUIRE" -q --source-format qcow2 - "$out/j" </dev/null
	assert_eq "acquire: --source-format qcow2: a virtual disk is read from its container files by path, not from standard input or a stream (see acquire --help)" \
		"$(stderr_of_last)" "--source-format with standard input"
	assert_exit 2 "$FX_ACQUIRE" -q --source-format vmdk --from-stream - "$out/j" </dev/null
	assert_contains "$(stderr_of_last)" "not from standard input or a stream" "--source-format with --from-stream"
	assert_exit 2 "$FX_ACQUIRE" -q --source-format vhdx --to-stream "$d/disk.vhdx" </dev/null
	assert_contains "$(stderr_of_last)" "not from standard input or a stream" "--source-format with --to-stream"
	assert_exit 0 test ! -e "$out/j.raw" -a ! -e "$out/j.E01"
}

# A container imaged as raw (the default): its bytes, and said once.
test_raw_of_container() {
	local d=$1 out=$FX_WORK/raw c name title
	mkdir "$out"
	for c in mono.vmdk:vmdk:VMDK split.vmdk:vmdk:VMDK fixed.vhd:vhd:VHD dynamic.vhd:vhd:VHD \
		disk.vhdx:vhdx:VHDX disk.qcow2:qcow2:QCOW; do
		IFS=: read -r name fmt title <<<"$c"
		assert_exit 0 "$FX_ACQUIRE" -q --json --format raw "$d/$name" "$out/${name%.*}-${fmt}"
		assert_eq "acquire: $d/$name looks like a $title virtual disk; imaging the file's bytes as given (use --source-format $fmt to image the disk it holds)" \
			"$(stderr_of_last)" "$name as raw: one line on stderr"
		assert_eq "$(sha256_of "$d/$name")" "$(json_get "$FX_OUT" .hashes.sha256)" "$name as raw: the file's bytes"
		assert_eq raw "$(json_get "$FX_OUT" .source_format)" "$name as raw: --json source_format"
		assert_file_line "$out/${name%.*}-${fmt}.log" \
			"  Note:                 $d/$name looks like a $title virtual disk; imaging the file's bytes as given (use --source-format $fmt to image the disk it holds)" \
			"$name as raw: the log says so"
	done
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$d/flat-flat.vmdk" "$out/plain"
	assert_eq "" "$(stderr_of_last)" "a flat extent holds no magic: nothing said"
}

# The containers are opened read-only and left as they were.
test_read_only() {
	local src=$1 d=$2 out=$FX_WORK/ro before after
	mkdir "$out"
	before=$(cd "$d" && stat -c '%n %s %Y %Z' -- * && sha256sum -- *)
	if have_tool strace && strace -f -qq -o /dev/null true >/dev/null 2>&1; then
		# LeakSanitizer cannot run under ptrace (a sanitizer build)
		env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			strace -f -qq -e trace=open,openat,creat -o "$out/trace" \
			"$FX_ACQUIRE" -q --source-format vmdk --format raw "$d/split.vmdk" "$out/s" ||
			fail "acquire under strace failed"
		assert_eq 0 "$(grep -F "$d/split" "$out/trace" | grep -cE 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(' || true)" \
			"no container file is opened for writing"
		assert_ne 0 "$(grep -cF "$d/split-s001.vmdk" "$out/trace")" "strace saw the extent opened"
	else
		skip_part "strace not installed or cannot trace here: the open flags are not checked"
	fi
	after=$(cd "$d" && stat -c '%n %s %Y %Z' -- * && sha256sum -- *)
	assert_eq "$before" "$after" "the container files are unchanged (size, mtime, ctime, SHA-256)"
}

main() {
	need_tool qemu-img qemu-io sqlite3 cmp
	fx_begin
	local src d
	src=$(sample_disk)
	d=$FX_WORK/vm
	make_containers "$src" "$d"
	test_formats "$src" "$d"
	test_e01_split "$src" "$d"
	test_chain "$src" "$d"
	test_damage "$d"
	test_raw_of_container "$d"
	test_read_only "$src" "$d"
	fx_pass
}

main "$@"
