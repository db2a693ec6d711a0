#!/usr/bin/env bash
# Optical media: an ISO 9660 file system (genisoimage) holding known files,
# on a loop device of 2048-byte logical sectors (what a CD/DVD drive
# presents), acquired as TARGET.iso and as E01. Judged by tools that are
# not libforensic: isoinfo lists and extracts the files from our .iso and
# from ewfexport's raw copy of our E01, ewfinfo reads the E01's media type
# and sector size, sha256sum checks TARGET.sha256, cmp compares bytes. The
# log, --json and the case database (format raw, optical 1) say optical;
# verify reads the .iso back, with its record and without one.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

# make_iso DIR ISO: an ISO 9660 file system of known files (contents fixed;
# genisoimage stamps the time, so the ISO's own hash is the reference).
make_iso() {
	local tree=$1/tree
	mkdir -p "$tree/DOCS"
	printf 'hello optical\n' >"$tree/README.TXT"
	seq 1 40000 >"$tree/DOCS/NUMBERS.TXT"
	genisoimage -quiet -V FXOPTICAL -o "$2" "$tree" 2>/dev/null ||
		fail "genisoimage could not make $2"
}

# assert_iso_files ISO WHAT: isoinfo lists the known files in ISO and
# extracts them byte for byte.
assert_iso_files() {
	local list
	list=$(isoinfo -l -i "$1") || fail "isoinfo -l -i $1 failed"
	assert_contains "$list" "README.TXT;1" "isoinfo lists README.TXT in $2"
	assert_contains "$list" "Directory listing of /DOCS/" "isoinfo lists DOCS in $2"
	assert_contains "$list" "NUMBERS.TXT;1" "isoinfo lists DOCS/NUMBERS.TXT in $2"
	isoinfo -i "$1" -x '/README.TXT;1' >"$FX_WORK/.x1"
	assert_same_file "$FX_WORK/tree/README.TXT" "$FX_WORK/.x1" "README.TXT extracted from $2"
	isoinfo -i "$1" -x '/DOCS/NUMBERS.TXT;1' >"$FX_WORK/.x2"
	assert_same_file "$FX_WORK/tree/DOCS/NUMBERS.TXT" "$FX_WORK/.x2" "DOCS/NUMBERS.TXT extracted from $2"
}

part_iso() {
	local dev=$1 iso=$2 t=$FX_WORK/cd json=$FX_WORK/cd.json db=$FX_WORK/case.db sum
	assert_exit 0 "$FX_ACQUIRE" -q --json -f iso --case OPT-1 --evidence CD-1 "$dev" "$t"
	cp "$FX_OUT" "$json"
	assert_same_file "$iso" "$t.iso" "TARGET.iso holds the ISO's bytes"
	sum=$(sha256_of "$iso")
	assert_eq "$sum" "$(sha256_of "$t.iso")" "sha256 of TARGET.iso equals the ISO's"
	assert_iso_files "$t.iso" "our .iso"
	assert_exit 0 bash -c 'cd "$1" && sha256sum -c cd.sha256' _ "$FX_WORK"
	assert_eq "cd.iso: OK" "$(stdout_of_last)" "sha256sum -c TARGET.sha256"
	assert_eq "$sum  cd.iso" "$(cat "$t.sha256")" "TARGET.sha256 lists cd.iso"
	assert_missing "$t.raw" "no .raw beside the .iso"
	# --json, the log, the database
	assert_eq optical "$(json_read "$json" .media)" "--json media"
	assert_eq iso "$(json_read "$json" .format)" "--json format"
	assert_eq 2048 "$(json_read "$json" .sector_size)" "--json sector_size"
	assert_eq "$t.iso" "$(json_read "$json" '.files[0].path')" "--json lists TARGET.iso"
	assert_eq "$sum" "$(json_read "$json" '.files[0].sha256')" "--json sha256 of TARGET.iso"
	assert_eq "passed ($(size_of "$iso") bytes re-read, all hashes equal)" \
		"$(json_read "$json" .verification)" "the .iso was read back and verified"
	assert_file_line "$t.log" "  Media type:           optical (optical disc: 2048-byte sectors)" "log: media type"
	assert_file_line "$t.log" "  Sector size:          logical 2048, physical 2048" "log: sector size"
	assert_file_line "$t.log" "  Format:               iso" "log: format"
	assert_eq "raw|1|2048|$t.iso|$sum" \
		"$(sqlite3 "$db" "SELECT a.format, a.optical, a.logical_sector_size, f.path, f.sha256 FROM acquisitions a JOIN image_files f ON f.acquisition_id = a.id WHERE a.id = 1")" \
		"database: a raw image of optical media, the .iso its file"
	assert_eq 1 "$(sqlite3 "$db" "SELECT count(*) FROM acquisitions WHERE id = 1 AND json_extract(parameters_json, '\$.format') = 'iso'")" \
		"database: the parameters say --format iso"
	assert_eq "acquisition.start" "$(sqlite3 "$db" "SELECT action FROM audit_log WHERE action LIKE 'acquisition.st%' AND content LIKE '%\"optical\":1,%'")" \
		"the audit event of the start records optical"
	# verify with the record, and a copy without one (named .iso: raw)
	assert_exit 0 "$FX_BIN/verify" -q "$t.iso"
	mkdir "$FX_WORK/copy"
	cp "$t.iso" "$FX_WORK/copy/x.iso"
	# no record: status error (exit 4), but read as raw and hashed
	assert_exit 4 "$FX_BIN/verify" -q --json "$FX_WORK/copy/x.iso"
	assert_eq raw "$(json_read "$FX_OUT" .format)" "verify reads an unrecorded .iso as raw"
	assert_eq "$sum" "$(json_read "$FX_OUT" .computed.sha256)" "verify of an unrecorded .iso hashes it"
	assert_exit 0 "$FX_BIN/verify" report --case OPT-1 --format text --db "$db"
	assert_contains "$(stdout_of_last)" $'\n  Optical media:        yes\n' "the text report says optical"
}

part_e01() {
	local dev=$1 iso=$2 t=$FX_WORK/cde info sectors
	assert_exit 0 "$FX_ACQUIRE" -q -f e01 --case OPT-1 --evidence CD-1 "$dev" "$t"
	info=$(ewfinfo "$t.E01" 2>&1) || fail "ewfinfo $t.E01 failed: $info"
	assert_ewf_field "$info" "Media type" "optical disk (CD/DVD/BD)" "ewfinfo: media type"
	assert_ewf_field "$info" "Bytes per sector" 2048 "ewfinfo: bytes per sector"
	sectors=$(($(size_of "$iso") / 2048))
	assert_ewf_field "$info" "Number of sectors" "$sectors" "ewfinfo: number of sectors"
	assert_ewfexport_equals "$t.E01" "$iso"
	ewfexport -u -q -f raw -t "$FX_WORK/export" "$t.E01" >/dev/null 2>&1 ||
		fail "ewfexport of $t.E01 failed"
	assert_iso_files "$FX_WORK/export.raw" "ewfexport of our E01"
	assert_file_line "$t.log" "  Media type:           optical (optical disc: 2048-byte sectors)" "E01 log: media type"
	assert_eq "e01|1|2048" \
		"$(sqlite3 "$FX_WORK/case.db" "SELECT format, optical, logical_sector_size FROM acquisitions WHERE id = 2")" \
		"database: the E01 of optical media"
}

part_refusals() {
	local dev=$1 odd=$FX_WORK/odd.bin
	assert_exit 2 "$FX_ACQUIRE" -q -f iso --segment-size 1M "$dev" "$FX_WORK/r1"
	assert_eq "acquire: --segment-size: --format iso writes one file, TARGET.iso; use --format raw --segment-size for a split raw image (see acquire --help)" \
		"$(stderr_of_last)" "--format iso refuses --segment-size"
	head -c 3000 "$FX_WORK/tree/DOCS/NUMBERS.TXT" >"$odd"
	assert_exit 2 "$FX_ACQUIRE" -q -f iso "$odd" "$FX_WORK/r2"
	assert_eq "acquire: source $odd: 3000 bytes is not a whole number of 2048-byte sectors, as an .iso image holds; --format raw keeps every byte" \
		"$(stderr_of_last)" "--format iso refuses a partial sector"
	assert_exit 2 "$FX_ACQUIRE" -q -f raw "$dev" "$FX_WORK/r3.iso"
	assert_eq "acquire: TARGET $FX_WORK/r3.iso ends in .iso, but --format raw writes TARGET.raw: give TARGET without an extension (see acquire --help)" \
		"$(stderr_of_last)" "a .iso TARGET is refused for --format raw"
	assert_missing "$FX_WORK/r1.iso" "nothing written for a refusal"
	assert_missing "$FX_WORK/r2.log" "nothing written for a refusal"
	assert_missing "$FX_WORK/r3.log" "nothing written for a refusal"
}

main() {
	local why dev iso
	need_tool genisoimage isoinfo ewfinfo ewfexport sqlite3 losetup blockdev
	fx_begin
	iso=$FX_WORK/disc.iso
	make_iso "$FX_WORK" "$iso"
	why=$(loop_unavailable)
	[[ -z $why ]] || skip "$why"
	dev=$(losetup --find --show --read-only --sector-size 2048 "$iso" 2>&1) ||
		skip "losetup --sector-size 2048 failed: $dev"
	defer losetup -d "$dev"
	assert_eq 2048 "$(blockdev --getss "$dev")" "the loop device has 2048-byte sectors"
	part_iso "$dev" "$iso"
	part_e01 "$dev" "$iso"
	part_refusals "$dev"
	fx_pass
}
main "$@"
