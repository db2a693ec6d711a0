#!/usr/bin/env bash
# End to end: verdicts and exit codes that must follow from what happened,
# not from what the bytes look like or when a signal came (issue 10).
#
#  - A raw image of a file that holds an E01 is raw: acquire's read-back
#    passes and verify verifies it (both read the format that was written,
#    the record's); the same bytes with no record and a raw name are
#    refused with one finding, never read as the E01 they contain.
#  - A read-back that fails prints one "verification of the image FAILED"
#    line (it said "FAILED: FAILED:").
#  - SIGINT/SIGTERM during acquire's read-back, or during verify, exits
#    130/143 and is recorded as interrupted: no verdict, no hashes.
#  - An E01 with a damaged section descriptor, or two segments swapped,
#    is a mismatch naming the segments whose SHA-256 changed (exit 1), with
#    the structural finding too (it was exit 4, "could not verify").
#  - A damaged E01 chunk reads as zeros, so verify's MD5 is what
#    `ewfverify -w` computes, not plain ewfverify's (which hashes what
#    libewf makes of the damaged chunk); the sector range is ewfverify's.
#
# strace makes the timing deterministic: it delays (inject=...:delay_enter)
# or fails (inject=...:error) the reads of one file only (-P), so a signal
# is sent while the read-back is certainly running. Parts that need strace
# print a SKIP line where it is missing or cannot trace.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576
FX_VERIFY=$FX_BIN/verify

# finding JSON KIND FIELD [NTH]: FIELD of the NTH (0-based) finding of KIND.
finding() {
	local flat idx
	flat=$(json_flatten <"$1") || fail "not valid JSON: $1"
	idx=$(printf '%s\n' "$flat" | awk -F'\t' -v k="$2" -v n="${4:-0}" '
		$1 ~ /^\.findings\[[0-9]+\]\.kind$/ && $2 == k { if (n-- == 0) { s = $1; sub(/^\.findings\[/, "", s); sub(/\].*/, "", s); print s; exit } }')
	[[ -n $idx ]] || fail "no finding of kind $2 in $1: $(head -c 2000 "$1")"
	json_read "$1" ".findings[$idx].$3"
}

# count_findings JSON KIND
count_findings() {
	json_flatten <"$1" | awk -F'\t' -v k="$2" '$1 ~ /^\.findings\[[0-9]+\]\.kind$/ && $2 == k { n++ } END { print n + 0 }'
}

# flip FILE OFFSET: changes the byte at OFFSET (xor 0xff).
flip() {
	local b
	b=$(dd if="$1" bs=1 skip="$2" count=1 status=none | od -An -tu1 | tr -d ' ')
	chmod u+w "$1"
	# shellcheck disable=SC2059 # the format is the byte, built here
	printf "\\x$(printf '%02x' $((b ^ 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# last_verification DB: "result|tool|hashes recorded|findings" of the newest
# verification.
last_verification() {
	sqlite3 "$1" "SELECT v.result, v.tool, (SELECT count(*) FROM hashes h WHERE h.verification_id = v.id), v.findings FROM verifications v ORDER BY v.id DESC LIMIT 1"
}

# strace_usable: status 0 when strace can trace a child here.
strace_usable() {
	have_tool strace && strace -f -qq -o /dev/null true >/dev/null 2>&1
}

# The environment of a traced tool: LeakSanitizer off (sanitizer builds),
# because it stops the world with ptrace, which fails under strace (the
# tool would abort at exit). The untraced runs of the same paths keep it.
# Used as `env "$LSAN_OFF" strace ...`, so that a background job's $! is
# strace itself.
LSAN_OFF="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# stop_traced PID: SIGKILL to PID if it is still our strace (for defer).
stop_traced() {
	if [[ $(readlink "/proc/$1/exe" 2>/dev/null) == "$(readlink -f "$(command -v strace)")" ]]; then
		kill -9 "$1"
	fi
}

# child_of PID: the first child process of PID (strace's tracee).
child_of() {
	local c
	c=$(cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | awk 'NF { print; exit }')
	[[ -n $c ]] || fail "process $1 has no child"
	printf '%s\n' "$c"
}

# wait_for_reads TRACE N PID: until TRACE lists N completed 1 MiB reads
# (strace writes a read's line when the read returns), while PID runs.
wait_for_reads() {
	local i
	for ((i = 0; i < 600; i++)); do
		if [[ -f $1 ]] && (($(reads_done "$1") >= $2)); then
			return 0
		fi
		kill -0 "$3" 2>/dev/null || fail "the traced run ended before $2 reads: $(cat "$FX_ERR")"
		sleep 0.05
	done
	fail "no $2 completed reads in $1 after 30 s"
}

# wait_for_line FILE TEXT PID: until FILE has a line with TEXT, while PID
# runs.
wait_for_line() {
	local i
	for ((i = 0; i < 600; i++)); do
		if [[ -f $1 ]] && grep -qF -- "$2" "$1"; then
			return 0
		fi
		kill -0 "$3" 2>/dev/null || fail "the traced run ended before $1 had '$2': $(cat "$FX_ERR")"
		sleep 0.05
	done
	fail "no line with '$2' in $1 after 30 s"
}

# reads_done TRACE: the 1 MiB reads that returned 1 MiB.
reads_done() {
	grep -c ', 1048576, [0-9]*) = 1048576' "$1" || true
}

# ---- the format written decides, not the contents -------------------------

test_e01_held_in_raw() {
	local src=$1 dir=$FX_WORK/held holder size msg
	mkdir "$dir" "$dir/out"
	head -c $((4 * MIB)) "$src" >"$dir/part.img"
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 "$dir/part.img" "$dir/inner"
	holder=$dir/holder.bin # a file that holds an E01, to be imaged raw
	cp "$dir/inner.E01" "$holder"
	size=$(size_of "$holder")
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw "$holder" "$dir/out/t"
	cp "$FX_OUT" "$dir/t.json"
	assert_eq "" "$(stderr_of_last)" "raw of an E01: nothing on stderr"
	assert_completed_json "$dir/t.json" "$holder"
	assert_same_file "$holder" "$dir/out/t.raw" "raw of an E01: the image is the file"
	assert_eq "passed ($size bytes re-read, all hashes equal)" \
		"$(log_value "$dir/out/t.log" 'Verification of image')" "raw of an E01: log"
	# the database keeps the verification's JSON result (issue 11: it
	# kept the log's line before), which says it was read as raw
	assert_eq "verified|acquire --verify|3|verified|$size|true|0" \
		"$(readback_recorded "$dir/out/case.db")" "raw of an E01: the read-back recorded as verified"
	assert_eq raw "$(json_read "$FX_WORK/readback.json" .format)" "raw of an E01: the read-back read it as raw"

	# verify reads it as the record says: raw
	assert_exit 0 "$FX_VERIFY" --json "$dir/out/t.raw"
	cp "$FX_OUT" "$dir/v.json"
	assert_eq verified "$(json_read "$dir/v.json" .status)" "verify raw of an E01: status"
	assert_eq raw "$(json_read "$dir/v.json" .format)" "verify raw of an E01: read as raw"
	assert_eq "$size" "$(json_read "$dir/v.json" .size)" "verify raw of an E01: media size = file size"
	assert_eq "$(md5_of "$holder")" "$(json_read "$dir/v.json" .computed.md5)" "verify raw of an E01: MD5 = md5sum of the file"
	assert_eq "$(sha256_of "$holder")" "$(json_read "$dir/v.json" .computed.sha256)" "verify raw of an E01: SHA-256 = sha256sum"
	assert_eq 0 "$(json_read "$dir/v.json" '.findings#')" "verify raw of an E01: no findings"

	# the same bytes with no record: the name says raw, the contents EWF
	cp "$holder" "$dir/loose.raw"
	assert_exit 4 "$FX_VERIFY" --json "$dir/loose.raw"
	cp "$FX_OUT" "$dir/loose.json"
	msg="$dir/loose.raw is named as a raw image but starts with the EWF (E01) signature: without a recorded format it is read neither as raw nor as E01"
	assert_eq "$msg" "$(finding "$dir/loose.json" not_image message)" "no record, raw name, EWF contents: finding"
	assert_eq null "$(json_read "$dir/loose.json" .format)" "no record, raw name, EWF contents: not opened"
	assert_eq false "$(json_read "$dir/loose.json" .hashed)" "no record, raw name, EWF contents: not hashed"
	assert_file_line "$FX_ERR" "  - $msg" "no record, raw name, EWF contents: said on stderr"
}

# A read-back whose every read of the image fails: one FAILED line.
test_failed_line() {
	local src=$1 dir line
	if ! strace_usable; then
		skip_part "FAILED line: strace is missing or cannot trace here"
		return 0
	fi
	dir=$(realpath "$FX_WORK")/eio
	mkdir "$dir"
	head -c "$MIB" "$src" >"$dir/src"
	run_cmd env "$LSAN_OFF" strace -f -qq -o /dev/null -P "$dir/t.raw" -e trace=pread64 \
		-e inject=pread64:error=EIO "$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/t"
	assert_eq 1 "$FX_RC" "unreadable read-back: exit code"
	line="FAILED: could not re-read 2048 of 2048 sectors (1 range(s), the first at sector 0)"
	assert_eq "acquire: verification of the image $line" "$(stderr_of_last)" "unreadable read-back: the one stderr line"
	assert_eq "$line" "$(log_value "$dir/t.log" 'Verification of image')" "unreadable read-back: log"
	assert_eq "error|acquire --verify|0|error|$MIB|false|1" "$(readback_recorded "$dir/case.db")" \
		"unreadable read-back: recorded as an error, without hashes"
	assert_eq "$dir/t.raw: sectors 0-2047 (2048) could not be read" \
		"$(finding "$FX_WORK/readback.json" read_error message)" "unreadable read-back: the recorded finding"
	assert_same_file "$dir/src" "$dir/t.raw" "unreadable read-back: the image itself is whole"
}

# ---- signals are no verdict ------------------------------------------------

# readback_interrupt SRC SIGNAL EXIT: SIGNAL while acquire re-reads an
# 8 MiB raw image whose every 1 MiB read takes 0.4 s.
test_readback_interrupt() {
	local src=$1 sig=$2 want=$3 dir spid pid rc=0 size=$((8 * MIB)) bytes line
	if ! strace_usable; then
		skip_part "SIG$sig during the read-back: strace is missing or cannot trace here"
		return 0
	fi
	dir=$(realpath "$FX_WORK")/readback-$sig
	mkdir "$dir"
	head -c "$size" "$src" >"$dir/src"
	env "$LSAN_OFF" strace -f -qq -o "$dir/trace" -P "$dir/t.raw" -e trace=pread64 \
		-e inject=pread64:delay_enter=400000 \
		"$FX_ACQUIRE" -q --json --format raw "$dir/src" "$dir/t" >"$dir/t.json" 2>"$FX_ERR" &
	spid=$!
	defer stop_traced "$spid"
	wait_for_reads "$dir/trace" 1 "$spid"
	pid=$(child_of "$spid")
	kill -"$sig" "$pid"
	wait "$spid" 2>/dev/null || rc=$?
	assert_eq "$want" "$rc" "SIG$sig during the read-back: exit code"
	bytes=$(($(reads_done "$dir/trace") * MIB))
	assert_lt 0 "$bytes" "SIG$sig: some of the image was re-read"
	assert_lt "$bytes" "$size" "SIG$sig: not all of it"
	line="interrupted by SIG$sig after $bytes of $size bytes re-read: not verified"
	assert_eq "acquire: verification of the image $line" "$(stderr_of_last)" "SIG$sig: the one stderr line"
	assert_eq "$line" "$(log_value "$dir/t.log" 'Verification of image')" "SIG$sig: log"
	assert_eq "$line" "$(json_read "$dir/t.json" .verification)" "SIG$sig: --json verification"
	assert_eq completed "$(json_read "$dir/t.json" .status)" "SIG$sig: the acquisition itself completed"
	assert_eq completed "$(log_value "$dir/t.log" Status)" "SIG$sig: log Status"
	assert_eq "interrupted|acquire --verify|0|interrupted|$bytes|false|1" "$(readback_recorded "$dir/case.db")" \
		"SIG$sig: recorded as interrupted, without hashes"
	assert_eq "reading $dir/t.raw after $bytes of $size bytes was interrupted: no verdict" \
		"$(finding "$FX_WORK/readback.json" interrupted message)" "SIG$sig: the recorded finding"
	assert_eq "1|completed" "$(sqlite3 "$dir/case.db" "SELECT (SELECT count(*) FROM verifications), status FROM acquisitions")" \
		"SIG$sig: one verification; the acquisition completed"
	assert_same_file "$dir/src" "$dir/t.raw" "SIG$sig: the image is whole"
}

# SIGINT while acquire opens its E01 for the read-back (each read of the
# segment by the structure check and libewf takes 0.1 s): the re-read stops
# before its first block, the segment is not hashed, no TARGET.sha256.
test_readback_interrupt_e01() {
	local src=$1 dir spid pid rc=0 size=$((16 * MIB)) line e01
	if ! strace_usable; then
		skip_part "SIGINT during an E01 read-back: strace is missing or cannot trace here"
		return 0
	fi
	dir=$(realpath "$FX_WORK")/readback-e01
	mkdir "$dir"
	head -c "$size" "$src" >"$dir/src"
	e01=$dir/t.E01
	env "$LSAN_OFF" strace -f -qq -o "$dir/trace" -P "$e01" -e trace=pread64 \
		-e inject=pread64:delay_enter=100000 \
		"$FX_ACQUIRE" -q --json --format e01 "$dir/src" "$dir/t" >"$dir/t.json" 2>"$FX_ERR" &
	spid=$!
	defer stop_traced "$spid"
	wait_for_line "$dir/trace" 'DELAYED' "$spid"
	pid=$(child_of "$spid")
	kill -INT "$pid"
	wait "$spid" 2>/dev/null || rc=$?
	assert_eq 130 "$rc" "E01: exit code"
	line="interrupted by SIGINT after 0 of $size bytes re-read: not verified"
	assert_eq "acquire: verification of the image $line" "$(stderr_of_last)" "E01: the one stderr line"
	assert_eq "$line" "$(log_value "$dir/t.log" 'Verification of image')" "E01: log"
	assert_eq "$line" "$(json_read "$dir/t.json" .verification)" "E01: --json verification"
	assert_file_line "$dir/t.log" "  $e01, $(size_of "$e01"), (not computed: interrupted while hashing $e01)" \
		"E01: the log says why the segment has no SHA-256"
	assert_eq null "$(json_read "$dir/t.json" '.files[0].sha256')" "E01: --json gives no SHA-256"
	assert_missing "$dir/t.sha256" "E01: no TARGET.sha256"
	assert_eq "interrupted|acquire --verify|0|interrupted|0|false|1" "$(readback_recorded "$dir/case.db")" \
		"E01: recorded as interrupted, without hashes"
	assert_eq completed "$(sqlite3 "$dir/case.db" "SELECT status FROM acquisitions")" "E01: the acquisition completed"
}

# SIGINT while verify reads an 8 MiB raw image, 0.4 s per 1 MiB.
test_verify_interrupt() {
	local src=$1 dir spid pid rc=0 size=$((8 * MIB)) bytes msg acq
	if ! strace_usable; then
		skip_part "SIGINT during verify: strace is missing or cannot trace here"
		return 0
	fi
	dir=$(realpath "$FX_WORK")/verify-int
	mkdir "$dir"
	head -c "$size" "$src" >"$dir/src"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/t"
	acq=$(sqlite3 "$dir/case.db" "SELECT id FROM acquisitions")
	env "$LSAN_OFF" strace -f -qq -o "$dir/trace" -P "$dir/t.raw" -e trace=pread64 \
		-e inject=pread64:delay_enter=400000 \
		"$FX_VERIFY" --json "$dir/t.raw" >"$dir/v.json" 2>"$FX_ERR" &
	spid=$!
	defer stop_traced "$spid"
	wait_for_reads "$dir/trace" 1 "$spid"
	pid=$(child_of "$spid")
	kill -INT "$pid"
	wait "$spid" 2>/dev/null || rc=$?
	assert_eq 130 "$rc" "SIGINT during verify: exit code"
	bytes=$(($(reads_done "$dir/trace") * MIB))
	assert_lt "$bytes" "$size" "SIGINT during verify: not all read"
	assert_eq interrupted "$(json_read "$dir/v.json" .status)" "SIGINT during verify: status"
	assert_eq false "$(json_read "$dir/v.json" .hashed)" "SIGINT during verify: not hashed"
	assert_eq 1 "$(json_read "$dir/v.json" '.findings#')" "SIGINT during verify: one finding"
	msg="reading $dir/t.raw after $bytes of $size bytes was interrupted: no verdict"
	assert_eq "$msg" "$(finding "$dir/v.json" interrupted message)" "SIGINT during verify: the finding"
	assert_eq interrupted "$(finding "$dir/v.json" interrupted status)" "SIGINT during verify: the finding's status"
	assert_file_line "$FX_ERR" "verify: $dir/t.raw: INTERRUPTED (no verdict)" "SIGINT during verify: the verdict line"
	assert_file_line "$FX_ERR" "  - $msg" "SIGINT during verify: the finding on stderr"
	assert_eq "interrupted|verify|0" "$(last_verification "$dir/case.db" | cut -d'|' -f1-3)" \
		"SIGINT during verify: recorded as interrupted, without hashes"
	assert_contains "$(last_verification "$dir/case.db")" '"status":"interrupted"' "SIGINT during verify: the recorded result"
	assert_eq "$(json_read "$dir/v.json" .verification_id)" \
		"$(sqlite3 "$dir/case.db" "SELECT max(id) FROM verifications WHERE acquisition_id = $acq")" \
		"SIGINT during verify: --json names the recorded verification"
}

# ---- a changed file is a mismatch, whatever the structure says -------------

# assert_changed JSON FILE ORIG LIST N: N file_hash findings in all; FILE's
# two (the record, LIST) with sha256sum of ORIG expected and of FILE now.
assert_changed() {
	local json=$1 file=$2 orig=$3 list=$4 n=$5 i
	assert_eq "$n" "$(count_findings "$json" file_hash)" "file_hash findings"
	for ((i = 0; i < n; i++)); do
		[[ $(finding "$json" file_hash file "$i") == "$file" ]] || continue
		assert_eq "$(sha256_of "$orig")" "$(finding "$json" file_hash expected "$i")" "$file: expected = sha256sum as acquired"
		assert_eq "$(sha256_of "$file")" "$(finding "$json" file_hash computed "$i")" "$file: computed = sha256sum now"
	done
	assert_eq "casedb sha256_file" \
		"$(for ((i = 0; i < n; i++)); do [[ $(finding "$json" file_hash file "$i") == "$file" ]] && finding "$json" file_hash reference "$i"; done | paste -sd' ')" \
		"$file: differs from the record and from $(basename "$list")"
}

# e01_structure SRC descriptor|swapped
test_e01_structure() {
	local src=$1 dir=$FX_WORK/e01-$2 orig=$FX_WORK/e01-$2.orig
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 --segment-size 1M "$src" "$dir/ev"
	assert_eq 8 "$(find "$dir" -name 'ev.E0*' | wc -l)" "E01: 8 segments"
	cp -a "$dir" "$orig"
	if [[ $2 == swapped ]]; then
		e01_swapped "$dir" "$orig"
		return 0
	fi

	# one byte of ev.E03's first section descriptor (its next offset)
	flip "$dir/ev.E03" $((13 + 16))
	assert_exit 1 "$FX_VERIFY" --json "$dir/ev.E01"
	cp "$FX_OUT" "$dir/desc.json"
	assert_eq mismatch "$(json_read "$dir/desc.json" .status)" "descriptor: status"
	assert_eq "image segment $dir/ev.E03 is damaged: the section descriptor at byte 13 fails its checksum" \
		"$(finding "$dir/desc.json" corrupt message)" "descriptor: the structural finding"
	assert_eq false "$(json_read "$dir/desc.json" .hashed)" "descriptor: the media not read"
	assert_changed "$dir/desc.json" "$dir/ev.E03" "$orig/ev.E03" "$dir/ev.sha256" 2
	assert_file_line "$FX_ERR" "verify: $dir/ev.E01: MISMATCH" "descriptor: the verdict line"
	assert_eq "mismatch|verify|0" "$(last_verification "$dir/case.db" | cut -d'|' -f1-3)" "descriptor: recorded as a mismatch"
	rm -rf "$orig"
}

# e01_swapped DIR ORIG: ev.E02 and ev.E03 of DIR swapped (ORIG: as acquired).
e01_swapped() {
	local dir=$1 orig=$2
	mv "$dir/ev.E02" "$dir/swap" && mv "$dir/ev.E03" "$dir/ev.E02" && mv "$dir/swap" "$dir/ev.E03"
	assert_exit 1 "$FX_VERIFY" --json "$dir/ev.E01"
	cp "$FX_OUT" "$dir/swap.json"
	assert_eq mismatch "$(json_read "$dir/swap.json" .status)" "swapped: status"
	assert_eq "image segment $dir/ev.E02 says it is segment 3, expected 2: renamed or replaced" \
		"$(finding "$dir/swap.json" corrupt message)" "swapped: the structural finding"
	assert_changed "$dir/swap.json" "$dir/ev.E02" "$orig/ev.E02" "$dir/ev.sha256" 4
	assert_changed "$dir/swap.json" "$dir/ev.E03" "$orig/ev.E03" "$dir/ev.sha256" 4
	assert_eq "mismatch|verify|0" "$(last_verification "$dir/case.db" | cut -d'|' -f1-3)" "swapped: recorded as a mismatch"
	rm -rf "$orig"
}

# ---- a damaged chunk reads as zeros: ewfverify -w, not plain ewfverify -----

# ewfverify_md5 IMG [OPTION]: ewfverify's "MD5 hash calculated over data".
ewfverify_md5() {
	local out
	out=$({ ewfverify -q "${@:2}" "$1" 2>&1 || true; })
	ewf_field "$out" 'MD5 hash calculated over data' || fail "ewfverify printed no MD5 for $1: $out"
}

# check_damaged_chunk IMG SRC WHAT: one byte in the middle of IMG (a single
# segment) changed; verify names ewfverify's sector range and hashes the
# chunk as zeros (= ewfverify -w, = md5sum of SRC with those sectors
# zeroed); plain ewfverify hashes what libewf reads (= ewfexport), which
# differs.
check_damaged_chunk() {
	local img=$1 src=$2 what=$3 range first last count zeroed exported json
	flip "$img" $(($(size_of "$img") / 2))
	range=$({ ewfverify -q "$img" 2>&1 || true; } | awk '/at sector\(s\):/ { print $3, $5, $7; exit }' | tr -d ')')
	read -r first last count <<<"$range"
	assert_eq 64 "$count" "$what: ewfverify finds one chunk of 64 sectors"
	json=$img.json
	assert_exit 1 "$FX_VERIFY" --json "$img"
	cp "$FX_OUT" "$json"
	assert_eq 1 "$(count_findings "$json" chunk)" "$what: one chunk finding"
	assert_eq "$first $count" "$(finding "$json" chunk first_sector) $(finding "$json" chunk sectors)" \
		"$what: the sectors ewfverify names"
	zeroed=$img.zeroed
	zero_filled_copy "$src" "$zeroed" 512 "$first+$count"
	assert_eq "$(md5_of "$zeroed")" "$(json_read "$json" .computed.md5)" "$what: verify hashes the chunk as zeros"
	assert_eq "$(ewfverify_md5 "$img" -w)" "$(json_read "$json" .computed.md5)" "$what: verify's MD5 = ewfverify -w's"
	exported=$img.export
	ewfexport -u -q -f raw -t "$exported" "$img" >/dev/null 2>&1 || true
	[[ -f $exported.raw ]] || fail "$what: ewfexport wrote nothing"
	assert_eq "$(md5_of "$exported.raw")" "$(ewfverify_md5 "$img")" "$what: plain ewfverify hashes what libewf reads"
	assert_ne "$(json_read "$json" .computed.md5)" "$(ewfverify_md5 "$img")" "$what: which is not zeros"
	assert_ne "$(md5_of "$src")" "$(ewfverify_md5 "$img")" "$what: nor the acquired data"
	rm -f "$zeroed" "$exported.raw" "$exported.raw.info"
}

test_damaged_chunk() {
	local src=$1 dir=$FX_WORK/chunk
	mkdir "$dir"
	# the disk's random bytes (24 to 31 MiB, see make-disk.sh) do not
	# compress: chunks stored with their Adler-32
	dd if="$src" of="$dir/random.img" bs=1M skip=24 count=4 status=none
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 "$dir/random.img" "$dir/stored"
	check_damaged_chunk "$dir/stored.E01" "$dir/random.img" "stored chunk"
	# text compresses: zlib chunks
	awk -v n=$((4 * MIB)) 'BEGIN { while (b < n) { s = "line " ++i " of a text that compresses well\n"; printf "%s", s; b += length(s) } }' \
		>"$dir/text.img"
	truncate -s $((4 * MIB)) "$dir/text.img"
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 "$dir/text.img" "$dir/deflated"
	check_damaged_chunk "$dir/deflated.E01" "$dir/text.img" "compressed chunk"
}

main() {
	need_tool md5sum sha256sum sqlite3 ewfverify ewfexport od realpath
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	local src
	src=$(sample_disk)
	run_part "raw image of an E01" test_e01_held_in_raw "$src"
	run_part "FAILED line" test_failed_line "$src"
	run_part "SIGINT during the read-back" test_readback_interrupt "$src" INT 130
	run_part "SIGTERM during the read-back" test_readback_interrupt "$src" TERM 143
	run_part "SIGINT during an E01 read-back" test_readback_interrupt_e01 "$src"
	run_part "SIGINT during verify" test_verify_interrupt "$src"
	run_part "E01 section descriptor damaged" test_e01_structure "$src" descriptor
	run_part "E01 segments swapped" test_e01_structure "$src" swapped
	run_part "damaged chunk vs ewfverify" test_damaged_chunk "$src"
	parts_verdict
	fx_pass
}

main "$@"
