# shellcheck shell=bash disable=SC2034 # globals set here are read by the tests
# Helpers sourced by the end-to-end tests (tests/e2e/*.sh). Lives in a
# subdirectory because ctest runs every tests/e2e/*.sh as a test.
#
# Environment (set by ctest, defaulted for a manual run from a build tree):
#   FX_BIN       directory of the built tools (acquire, ...)
#   FX_ROOT      repository root
#   FX_TEST_TMP  scratch directory shared by the tests of one build
# A test sources this file, calls fx_begin, runs checks, and ends with
# fx_pass, which prints "PASS: <name> (<n> checks)". fail exits 1, skip
# exits 77 (ctest's SKIP_RETURN_CODE). Every assert_* counts one check.
#
# A new test, tests/e2e/NAME.sh (ctest registers it as e2e_NAME):
#   set -euo pipefail
#   . "$(dirname "$0")/lib/common.sh"
#   main() {
#       need_tool ewfverify            # SKIP when a tool is missing
#       fx_begin                       # $FX_WORK, cleanup trap
#       local src; src=$(sample_disk)  # shared 64 MiB disk; do not modify
#       assert_exit 0 "$FX_ACQUIRE" -q --json ... "$src" "$FX_WORK/t"
#       cp "$FX_OUT" "$FX_WORK/t.json"
#       assert_json_completed "$FX_WORK/t.json" "$src"
#       fx_pass
#   }
#   main "$@"
# Assign $(...) results to a variable before use (set -e does not see a
# failure inside a command's arguments), and never `local x=$(...)`.
set -euo pipefail

FX_TEST_NAME=$(basename "${BASH_SOURCE[1]:-$0}" .sh)
FX_ROOT=${FX_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
FX_BIN=${FX_BIN:-$FX_ROOT/build/bin}
FX_TEST_TMP=${FX_TEST_TMP:-${TMPDIR:-/tmp}/fx-test-$(id -u)}
FX_ACQUIRE=$FX_BIN/acquire
FX_CHECKS=0
FX_SKIPPED_PARTS=0
FX_WORK=
FX_OUT=
FX_ERR=
FX_RC=0
FX_DEFERRED=()
FX_LOOP_DEV= # set by loop_attach
FX_WHY=      # why a helper returned 1, for SKIP lines
export LC_ALL=C TZ=UTC

# ---- outcome -------------------------------------------------------------

fail() {
	echo "FAIL: $FX_TEST_NAME: $*" >&2
	exit 1
}

# skip WHY: the whole test cannot run here.
skip() {
	echo "SKIP: $FX_TEST_NAME: $*"
	exit 77
}

# skip_part WHY: one part of the test cannot run here; the rest goes on.
skip_part() {
	echo "SKIP: $FX_TEST_NAME: $*"
	FX_SKIPPED_PARTS=$((FX_SKIPPED_PARTS + 1))
}

fx_pass() {
	local note=""
	((FX_SKIPPED_PARTS == 0)) || note=", $FX_SKIPPED_PARTS part(s) skipped"
	echo "PASS: $FX_TEST_NAME ($FX_CHECKS checks$note)"
}

# need_tool TOOL...: skips the test when a tool is missing.
need_tool() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
	done
}

# have_tool TOOL: status only, for optional parts.
have_tool() {
	command -v "$1" >/dev/null 2>&1
}

# ---- cleanup -------------------------------------------------------------

# defer CMD...: runs CMD at exit (last deferred first), whatever the outcome.
# Used for loop devices, mounts and background processes.
defer() {
	local q
	printf -v q '%q ' "$@"
	FX_DEFERRED+=("$q")
}

# wait_signal_caught PID SIGNO: waits (up to 30 s) until process PID has a
# handler for signal SIGNO (its SigCgt mask in /proc), so that a signal
# sent next is handled, not dropped: a background job of a non-interactive
# shell starts with SIGINT ignored, and a slow start (a sanitizer build on
# a loaded machine) can outlast any fixed sleep. Fails if PID ends first.
wait_signal_caught() {
	local pid=$1 bit=$(( 1 << ($2 - 1) )) mask i
	for ((i = 0; i < 3000; i++)); do
		mask=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$pid/status" 2>/dev/null) ||
			true
		[[ -n $mask ]] || fail "process $pid ended before it caught signal $2"
		if (( 16#$mask & bit )); then
			return 0
		fi
		sleep 0.01
	done
	fail "process $pid did not install a handler for signal $2 within 30 s"
}

# stop_acquire PID: SIGKILL to PID if it is still one of our acquire
# processes (for defer: the PID may have been reaped and reused since).
stop_acquire() {
	if [[ $(readlink "/proc/$1/exe" 2>/dev/null) == "$(readlink -f "$FX_ACQUIRE")" ]]; then
		kill -9 "$1"
	fi
}

fx_cleanup() {
	local rc=$? i
	set +e
	for ((i = ${#FX_DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${FX_DEFERRED[i]}" >/dev/null 2>&1
	done
	if [[ -n $FX_WORK ]]; then
		if [[ -z ${FX_KEEP_WORK:-} && ($rc == 0 || $rc == 77) ]]; then
			rm -rf "$FX_WORK"
		elif ((rc != 0 && rc != 77)); then
			echo "  (work directory kept: $FX_WORK)" >&2
		fi
	fi
	return "$rc"
}

# fx_begin: checks the tool exists and makes $FX_WORK, removed at exit
# (kept when the test fails, or always with FX_KEEP_WORK=1).
fx_begin() {
	[[ -x $FX_ACQUIRE ]] || fail "acquire not built: $FX_ACQUIRE (set FX_BIN)"
	mkdir -p "$FX_TEST_TMP"
	FX_WORK=$(mktemp -d "$FX_TEST_TMP/$FX_TEST_NAME.XXXXXX")
	FX_OUT=$FX_WORK/.stdout
	FX_ERR=$FX_WORK/.stderr
	trap fx_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# ---- assertions ----------------------------------------------------------

check_ok() {
	FX_CHECKS=$((FX_CHECKS + 1))
}

# assert_eq EXPECTED ACTUAL MESSAGE
assert_eq() {
	if [[ "$1" != "$2" ]]; then
		fail "$3"$'\n'"  expected: '$1'"$'\n'"  actual:   '$2'"
	fi
	check_ok
}

# assert_ne UNEXPECTED ACTUAL MESSAGE
assert_ne() {
	if [[ "$1" == "$2" ]]; then
		fail "$3"$'\n'"  expected anything but: '$1'"
	fi
	check_ok
}

# assert_contains HAYSTACK NEEDLE MESSAGE (fixed string)
assert_contains() {
	if [[ "$1" != *"$2"* ]]; then
		fail "$3"$'\n'"  expected to contain: '$2'"$'\n'"  actual: '$1'"
	fi
	check_ok
}

# assert_not_contains HAYSTACK NEEDLE MESSAGE
assert_not_contains() {
	if [[ "$1" == *"$2"* ]]; then
		fail "$3"$'\n'"  expected not to contain: '$2'"$'\n'"  actual: '$1'"
	fi
	check_ok
}

# assert_lt A B MESSAGE: integers, A < B
assert_lt() {
	if ! (($1 < $2)); then
		fail "$3"$'\n'"  expected $1 < $2"
	fi
	check_ok
}

# assert_file_line FILE LINE MESSAGE: FILE has a line exactly equal to LINE.
assert_file_line() {
	if ! grep -Fxq -- "$2" "$1"; then
		fail "$3"$'\n'"  no line '$2' in $1:"$'\n'"$(sed 's/^/    /' "$1")"
	fi
	check_ok
}

# assert_same_file A B MESSAGE: byte-for-byte equal (cmp).
assert_same_file() {
	local diff
	if ! diff=$(cmp -- "$1" "$2" 2>&1); then
		fail "$3"$'\n'"  $diff"
	fi
	check_ok
}

# assert_missing PATH MESSAGE
assert_missing() {
	if [[ -e $1 || -L $1 ]]; then
		fail "$2: $1 exists"
	fi
	check_ok
}

# run_cmd CMD...: runs CMD, stdout to $FX_OUT, stderr to $FX_ERR, exit code
# in $FX_RC; never fails itself.
run_cmd() {
	FX_RC=0
	"$@" >"$FX_OUT" 2>"$FX_ERR" || FX_RC=$?
}

# assert_exit EXPECTED CMD...: runs CMD as run_cmd and checks its exit code.
assert_exit() {
	local expected=$1
	shift
	run_cmd "$@"
	if [[ $FX_RC != "$expected" ]]; then
		fail "exit code of: $*"$'\n'"  expected: $expected"$'\n'"  actual:   $FX_RC"$'\n'"  stderr: $(cat "$FX_ERR")"
	fi
	check_ok
}

# stderr_of_last / stdout_of_last: what the last run_cmd/assert_exit printed.
stderr_of_last() {
	cat "$FX_ERR"
}

stdout_of_last() {
	cat "$FX_OUT"
}

# ---- values from independent tools --------------------------------------

sha256_of() { sha256sum <"$1" | cut -d' ' -f1; }
sha1_of() { sha1sum <"$1" | cut -d' ' -f1; }
md5_of() { md5sum <"$1" | cut -d' ' -f1; }
size_of() { stat -c %s -- "$1"; }
mtime_of() { stat -c %y -- "$1"; }

# ---- JSON (acquire --json), without jq -----------------------------------

# json_flatten < JSON: one "PATH<TAB>VALUE" line per scalar, PATH like
# .hashes.md5 or .windows[0].sha256, strings unescaped (\" \\ \/ \n \t),
# plus ".ARRAY#<TAB>LENGTH" for every array. Fails on malformed JSON.
json_flatten() {
	awk '
	function err(m) { printf "json_flatten: %s at offset %d\n", m, pos > "/dev/stderr"; bad = 1; exit 1 }
	function ws() { while (pos <= n && index(" \t\r\n", substr(s, pos, 1))) pos++ }
	function str(   r, c, e) {
		pos++; r = ""
		while (pos <= n) {
			c = substr(s, pos, 1)
			if (c == "\"") { pos++; return r }
			if (c == "\\") {
				e = substr(s, pos + 1, 1); pos += 2
				if (e == "n") r = r "\n"; else if (e == "t") r = r "\t"
				else if (e == "r") r = r "\r"; else if (e == "u") { r = r "\\u" substr(s, pos, 4); pos += 4 }
				else r = r e
				continue
			}
			r = r c; pos++
		}
		err("unterminated string")
	}
	function value(path,   c, lit) {
		ws(); c = substr(s, pos, 1)
		if (c == "{") obj(path)
		else if (c == "[") arr(path)
		else if (c == "\"") print path "\t" str()
		else if (match(substr(s, pos), /^(-?[0-9][0-9.eE+-]*|true|false|null)/)) {
			lit = substr(s, pos, RLENGTH); pos += RLENGTH; print path "\t" lit
		} else err("unexpected character \"" c "\"")
	}
	function obj(path,   k, c) {
		pos++; ws()
		if (substr(s, pos, 1) == "}") { pos++; return }
		while (1) {
			ws(); if (substr(s, pos, 1) != "\"") err("expected a key")
			k = str(); ws()
			if (substr(s, pos, 1) != ":") err("expected :")
			pos++; value(path "." k); ws()
			c = substr(s, pos, 1); pos++
			if (c == "}") return
			if (c != ",") err("expected , or }")
		}
	}
	function arr(path,   i, c) {
		pos++; ws(); i = 0
		if (substr(s, pos, 1) == "]") { pos++; print path "#\t0"; return }
		while (1) {
			value(path "[" i "]"); i++; ws()
			c = substr(s, pos, 1); pos++
			if (c == "]") { print path "#\t" i; return }
			if (c != ",") err("expected , or ]")
		}
	}
	{ s = s $0 "\n" }
	END {
		if (bad) exit 1
		n = length(s); pos = 1; ws()
		if (pos > n) err("empty input")
		value(""); ws()
		if (pos <= n) err("trailing data")
	}'
}

# json_get FILE PATH: the value at PATH (see json_flatten); fails if absent.
json_get() {
	local flat line
	flat=$(json_flatten <"$1") || fail "not valid JSON: $1: $(head -c 300 "$1")"
	line=$(printf '%s\n' "$flat" | awk -F'\t' -v p="$2" '!found && $1 == p { print; found = 1 } END { exit !found }') ||
		fail "JSON $1 has no $2: $(head -c 300 "$1")"
	printf '%s\n' "${line#*$'\t'}"
}

# ---- acquire's read-back in the case database ------------------------------

# readback_json DB OUT: the findings of the newest verification in DB into
# the file OUT. acquire's read-back runs libforensic's verification and
# records its JSON result there, as `verify` does (issue 11; it recorded
# the log's line of text before).
readback_json() {
	sqlite3 "$1" "SELECT findings FROM verifications ORDER BY id DESC LIMIT 1" >"$2"
}

# readback_recorded DB: "result|tool|hashes recorded|status|bytes|hashed|
# findings" of the newest verification: its row, then from its JSON result
# the verdict, the media bytes hashed, whether the media was read whole,
# and the number of findings.
readback_recorded() {
	local json=$FX_WORK/readback.json
	readback_json "$1" "$json"
	printf '%s|%s|%s|%s|%s\n' \
		"$(sqlite3 "$1" "SELECT v.result, v.tool, (SELECT count(*) FROM hashes h WHERE h.verification_id = v.id) FROM verifications v ORDER BY v.id DESC LIMIT 1")" \
		"$(json_read "$json" .status)" "$(json_read "$json" .bytes)" \
		"$(json_read "$json" .hashed)" "$(json_read "$json" '.findings#')"
}

# ---- acquire's log --------------------------------------------------------

# log_value LOG LABEL: the text after "LABEL:" on the last line starting with
# it.
log_value() {
	awk -v l="$2:" 'index($0, l) == 1 { v = substr($0, length(l) + 1); sub(/^ +/, "", v); found = 1 } END { if (found) print v; exit !found }' "$1" ||
		fail "log $1 has no line '$2:'"
}

# log_hash LOG NAME: the hash listed as "  NAME: HEX" (MD5, SHA-1, SHA-256).
log_hash() {
	awk -v l="  $2:" 'index($0, l) == 1 { v = substr($0, length(l) + 1); gsub(/ /, "", v); print v; found = 1 } END { exit !found }' "$1" ||
		fail "log $1 has no hash line for $2"
}

# ---- sample disk ----------------------------------------------------------

# sample_disk: prints the path of the shared sample disk (64 MiB, see
# tests/data/make-disk.sh), generating it once per build tree; regenerated
# when make-disk.sh changes, and refused if its bytes changed since (a test
# that wrote to it). Tests must not modify it: copy it first.
sample_disk() {
	local img=$FX_TEST_TMP/sample.img gen=$FX_ROOT/tests/data/make-disk.sh
	local stamp=$FX_TEST_TMP/sample.img.stamp want have
	need_tool sgdisk mke2fs debugfs mkfs.fat mcopy mmd openssl flock
	want=$(sha256_of "$gen")
	(
		flock 9
		if [[ ! -f $stamp || $(head -n1 "$stamp") != "$want" || ! -f $img ]]; then
			rm -f "$img" "$img.files" "$stamp"
			bash "$gen" "$img.tmp" 64 || exit 1
			mv "$img.tmp.files" "$img.files"
			mv "$img.tmp" "$img"
			printf '%s\n%s\n' "$want" "$(sha256_of "$img")" >"$stamp"
		fi
	) 9>"$FX_TEST_TMP/sample.lock" >&2 || fail "make-disk.sh failed"
	have=$(sha256_of "$img")
	[[ $have == "$(sed -n 2p "$stamp")" ]] ||
		fail "the cached sample disk $img was modified (sha256 $have); a test wrote to it"
	printf '%s\n' "$img"
}

# manifest_files IMG PARTITION: "PATH SHA256" lines of the known files.
manifest_files() {
	awk -v p="$2" '$1 == p { print $2, $3 }' "$1.files"
}

# manifest_start IMG PARTITION: the partition's first sector.
manifest_start() {
	awk -v p="$2" '$1 == "#" && $2 == "partition" && $3 == p { print $5 }' "$1.files"
}

# ---- checks shared by the acquisition tests (raw now, E01 later) ----------

# assert_json_completed JSON SRC: a complete, verified, error-free run over
# all of SRC whose hashes equal those of md5sum/sha1sum/sha256sum.
assert_json_completed() {
	local json=$1 src=$2 size
	size=$(size_of "$src")
	assert_eq completed "$(json_get "$json" .status)" "--json status"
	assert_eq "$size" "$(json_get "$json" .bytes)" "--json bytes"
	assert_eq "$size" "$(json_get "$json" .size)" "--json size"
	assert_eq 512 "$(json_get "$json" .sector_size)" "--json sector_size"
	assert_eq "$(md5_of "$src")" "$(json_get "$json" .hashes.md5)" "--json MD5 vs md5sum of the source"
	assert_eq "$(sha1_of "$src")" "$(json_get "$json" .hashes.sha1)" "--json SHA-1 vs sha1sum of the source"
	assert_eq "$(sha256_of "$src")" "$(json_get "$json" .hashes.sha256)" "--json SHA-256 vs sha256sum of the source"
	assert_eq 0 "$(json_get "$json" '.bad_sectors#')" "--json bad_sectors is empty"
	assert_eq "" "$(json_get "$json" .error)" "--json error is empty"
	assert_eq "passed ($size bytes re-read, all hashes equal)" \
		"$(json_get "$json" .verification)" "--json verification"
}

# assert_log_completed LOG SRC: the log's final record for such a run.
assert_log_completed() {
	local log=$1 src=$2 size
	size=$(size_of "$src")
	assert_eq completed "$(log_value "$log" Status)" "log: final Status"
	assert_eq "$size of $size" "$(log_value "$log" 'Bytes acquired')" "log: Bytes acquired"
	assert_eq "0 in 0 range(s)" "$(log_value "$log" 'Unreadable sectors')" "log: Unreadable sectors"
	assert_eq "$(md5_of "$src")" "$(log_hash "$log" MD5)" "log: MD5 vs md5sum"
	assert_eq "$(sha1_of "$src")" "$(log_hash "$log" SHA-1)" "log: SHA-1 vs sha1sum"
	assert_eq "$(sha256_of "$src")" "$(log_hash "$log" SHA-256)" "log: SHA-256 vs sha256sum"
	assert_eq "passed ($size bytes re-read, all hashes equal)" \
		"$(log_value "$log" 'Verification of image')" "log: Verification of image"
	assert_eq 1 "$(grep -c '^Start (UTC): *[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z$' "$log")" "log: one UTC start time"
	assert_eq 1 "$(grep -c '^End (UTC): *[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z$' "$log")" "log: one UTC end time"
}

# assert_sha256_file DIR NAME FILE...: DIR/NAME lists exactly FILE... (basenames,
# in order) and `sha256sum -c` run from DIR accepts it.
assert_sha256_file() {
	local dir=$1 name=$2 want="" f out
	shift 2
	for f in "$@"; do
		want+="$(sha256_of "$dir/$f")  $f"$'\n'
	done
	assert_eq "${want%$'\n'}" "$(cat "$dir/$name")" "$name lists every image file with its sha256sum"
	out=$(cd "$dir" && sha256sum -c --strict "$name" 2>&1) || fail "sha256sum -c $name failed: $out"
	want=""
	for f in "$@"; do
		want+="$f: OK"$'\n'
	done
	assert_eq "${want%$'\n'}" "$out" "sha256sum -c $name from $dir"
}

# ---- loop devices and mounts (root only) ---------------------------------

# loop_unavailable: prints why loop devices cannot be used here, or nothing.
loop_unavailable() {
	if [[ $(id -u) != 0 ]]; then
		echo "needs root for loop devices"
	elif [[ ! -e /dev/loop-control ]]; then
		echo "no /dev/loop-control (loop module not loaded?)"
	elif ! have_tool losetup || ! have_tool blockdev; then
		echo "losetup/blockdev not installed"
	elif ! losetup -f >/dev/null 2>&1; then
		echo "losetup -f finds no free loop device"
	fi
}

# loop_attach IMG: attaches IMG read-write with its partitions as
# $FX_LOOP_DEV (/dev/loopN); detached at exit after its read-only flags are
# cleared (BLKROSET outlives a detach on some kernels). Returns 1 with the
# reason in $FX_WHY when that fails. Must not run in a subshell ($(...)).
# Kernels without GPT support in the partition scanner get the partitions
# from partx (BLKPG).
loop_attach() {
	local img=$1 dev name i
	FX_LOOP_DEV=
	if ! dev=$(losetup --find --show --partscan "$img" 2>&1); then
		FX_WHY="losetup --find --show --partscan failed: $dev"
		return 1
	fi
	defer loop_detach "$dev"
	FX_LOOP_DEV=$dev
	name=${dev#/dev/}
	blockdev --setrw "$dev"
	if have_tool udevadm; then
		udevadm settle --timeout=10 >/dev/null 2>&1 || true
	fi
	if [[ ! -e /sys/class/block/${name}p1 ]] && have_tool partx; then
		partx --add "$dev" >/dev/null 2>&1 || true
	fi
	for ((i = 0; i < 100; i++)); do
		[[ -b ${dev}p1 && -b ${dev}p2 ]] && break
		sleep 0.1
	done
	if [[ ! -b ${dev}p1 || ! -b ${dev}p2 ]]; then
		FX_WHY="no partition devices ${dev}p1/${dev}p2 after losetup --partscan and partx --add"
		return 1
	fi
	blockdev --setrw "${dev}p1" "${dev}p2"
}

loop_detach() {
	local dev=$1 part
	for part in "$dev"p*; do
		[[ -b $part ]] && blockdev --setrw "$part"
	done
	blockdev --setrw "$dev"
	have_tool partx && partx --delete "$dev" >/dev/null 2>&1
	losetup -d "$dev"
}

# mount_ro DEV DIR: mounts DEV read-only on DIR (created), unmounted at exit.
# Returns 1 with the reason in $FX_WHY. Must not run in a subshell.
mount_ro() {
	local out
	mkdir -p "$2"
	if ! out=$(mount -o ro "$1" "$2" 2>&1); then
		FX_WHY="mount -o ro $1 failed: $out"
		return 1
	fi
	defer umount "$2"
}

# ==== E01 helpers (added for acquire_e01.sh, acquire_e01_faults.sh) ========
# Every value compared here comes from a tool that is not libforensic:
# libewf's ewfverify/ewfinfo/ewfexport, sleuthkit, sgdisk, md5sum... The
# functions below were appended as a block; the ones above are unchanged.

# json_read FILE PATH: json_get without its race. json_get's awk exits at
# the first match while printf may still be writing the flattened JSON; with
# pipefail the SIGPIPE makes json_get fail at random once the JSON is larger
# than one write (an --json listing dozens of segments: ~2% of calls under
# load). Here awk reads all of its input.
json_read() {
	local flat line
	flat=$(json_flatten <"$1") || fail "not valid JSON: $1: $(head -c 300 "$1")"
	line=$(printf '%s\n' "$flat" | awk -F'\t' -v p="$2" '$1 == p && !found { print; found = 1 } END { exit !found }') ||
		fail "JSON $1 has no $2: $(head -c 300 "$1")"
	printf '%s\n' "${line#*$'\t'}"
}

# assert_completed_json JSON SRC [VERIFICATION]: assert_json_completed
# through json_read; VERIFICATION is the expected .verification (default:
# passed, with the size re-read).
assert_completed_json() {
	local json=$1 src=$2 size verification
	size=$(size_of "$src")
	verification=${3:-passed ($size bytes re-read, all hashes equal)}
	assert_eq completed "$(json_read "$json" .status)" "--json status"
	assert_eq "$size" "$(json_read "$json" .bytes)" "--json bytes"
	assert_eq "$size" "$(json_read "$json" .size)" "--json size"
	assert_eq 512 "$(json_read "$json" .sector_size)" "--json sector_size"
	assert_eq "$(md5_of "$src")" "$(json_read "$json" .hashes.md5)" "--json MD5 vs md5sum of the source"
	assert_eq "$(sha1_of "$src")" "$(json_read "$json" .hashes.sha1)" "--json SHA-1 vs sha1sum of the source"
	assert_eq "$(sha256_of "$src")" "$(json_read "$json" .hashes.sha256)" "--json SHA-256 vs sha256sum of the source"
	assert_eq 0 "$(json_read "$json" '.bad_sectors#')" "--json bad_sectors is empty"
	assert_eq "" "$(json_read "$json" .error)" "--json error is empty"
	assert_eq "$verification" "$(json_read "$json" .verification)" "--json verification"
}

# ewf_field TEXT LABEL: the value of the line "[TAB]LABEL:<TABs>VALUE" in the
# output TEXT of ewfinfo or ewfverify; status 1 (and nothing) if absent.
ewf_field() {
	printf '%s\n' "$1" | awk -v l="$2:" '
		{ line = $0; sub(/^\t/, "", line) }
		index(line, l) == 1 && !found { v = substr(line, length(l) + 1); sub(/^[\t ]+/, "", v); print v; found = 1 }
		END { exit !found }'
}

# assert_ewf_field TEXT LABEL EXPECTED MESSAGE: TEXT (ewfinfo output) has
# "LABEL: EXPECTED"; with EXPECTED empty, no LABEL line at all (ewfinfo
# leaves out header values that are not stored).
assert_ewf_field() {
	local got
	if [[ -z $3 ]]; then
		if got=$(ewf_field "$1" "$2"); then
			fail "$4: ewfinfo shows '$2: $got', expected no such line"
		fi
		check_ok
		return 0
	fi
	got=$(ewf_field "$1" "$2") || fail "$4: ewfinfo has no '$2:' line:"$'\n'"$1"
	assert_eq "$3" "$got" "$4"
}

# assert_ewfverify IMG MD5 SHA1 [STORED_SHA1]: `ewfverify -d sha1` accepts the
# image (IMG: its first segment) and finds MD5 and SHA1 both stored in it
# and calculated over its data. STORED_SHA1 (default SHA1) is "N/A" for EWF
# formats without a place for SHA-1.
assert_ewfverify() {
	local img=$1 md5=$2 sha1=$3 stored_sha1=${4:-$3} out rc=0
	out=$(ewfverify -q -d sha1 "$img" 2>&1) || rc=$?
	[[ $rc == 0 ]] || fail "ewfverify rejects $img (exit $rc):"$'\n'"$out"
	check_ok
	assert_eq "ewfverify: SUCCESS" "$(printf '%s\n' "$out" | awk 'NF { l = $0 } END { print l }')" \
		"ewfverify's verdict on $img"
	assert_eq "$md5" "$(ewf_field "$out" 'MD5 hash stored in file')" "ewfverify: MD5 stored in $img"
	assert_eq "$md5" "$(ewf_field "$out" 'MD5 hash calculated over data')" "ewfverify: MD5 of the data of $img"
	assert_eq "$stored_sha1" "$(ewf_field "$out" 'SHA1 hash stored in file')" "ewfverify: SHA-1 stored in $img"
	assert_eq "$sha1" "$(ewf_field "$out" 'SHA1 hash calculated over data')" "ewfverify: SHA-1 of the data of $img"
	assert_not_contains "$out" "validation errors" "ewfverify finds no checksum errors in $img"
}

# assert_ewf_errors IMG RANGES...: `ewfinfo -e` lists exactly the acquisition
# errors RANGES ("FIRST+COUNT" sectors, sorted and merged), none if empty.
assert_ewf_errors() {
	local img=$1 r first count want="" out
	shift
	if (($# > 0)); then
		want=$'Read errors during acquiry\n'"	total number: $#"
		for r in "$@"; do
			first=${r%+*} count=${r#*+}
			want+=$'\n'"	at sector(s): $first - $((first + count - 1)) number: $count"
		done
	fi
	out=$(ewfinfo -e "$img" 2>&1) || fail "ewfinfo -e $img failed: $out"
	# drop the version banner and blank lines
	assert_eq "$want" "$(printf '%s\n' "$out" | sed -e '/^ewfinfo [0-9]/d' -e '/^$/d')" \
		"ewfinfo -e: the acquisition errors stored in $img"
}

# assert_ewfexport_equals IMG EXPECTED: ewfexport to raw gives EXPECTED's
# bytes exactly (the export is removed afterwards).
assert_ewfexport_equals() {
	local img=$1 want=$2 out=$FX_WORK/.ewfexport msg
	rm -f "$out.raw" "$out.raw.info"
	msg=$(ewfexport -u -q -f raw -t "$out" "$img" 2>&1) || fail "ewfexport of $img failed: $msg"
	[[ -f $out.raw ]] || fail "ewfexport wrote no $out.raw: $msg"
	assert_same_file "$want" "$out.raw" "ewfexport of $img equals $want byte for byte"
	rm -f "$out.raw" "$out.raw.info"
}

# assert_img_stat IMG SIZE SECTOR_SIZE MD5: sleuthkit's img_stat -i ewf.
assert_img_stat() {
	local out
	out=$(img_stat -i ewf "$1" 2>&1) || fail "img_stat -i ewf $1 failed: $out"
	assert_eq "$2" "$(ewf_field "$out" 'Size of data in bytes')" "img_stat: media size of $1"
	assert_eq "$3" "$(ewf_field "$out" 'Sector size')" "img_stat: sector size of $1"
	assert_eq "$4" "$(ewf_field "$out" 'MD5 hash of data')" "img_stat: MD5 of $1"
}

# gpt_partitions DISK: "NUMBER START END NAME" of each GPT partition of the
# raw DISK, as sgdisk -p reads it.
gpt_partitions() {
	sgdisk -p "$1" | awk 'f && $1 ~ /^[0-9]+$/ { name = $0; for (i = 0; i < 6; i++) sub(/^ *[^ ]+ +/, "", name); print $1, $2, $3, name } /^Number +Start/ { f = 1 }'
}

# assert_sleuthkit_view IMG SRC: sleuthkit reads the E01 image IMG (first
# segment) as the disk SRC: mmls -i ewf shows every GPT partition sgdisk
# finds on SRC with the same start, end and length, and no other; fls lists
# each known file of the manifest SRC.files in both file systems, and icat
# of it gives the manifest's sha256.
assert_sleuthkit_view() {
	local img=$1 src=$2 parts listing n start end name slot len rows
	parts=$(gpt_partitions "$src") || fail "sgdisk -p cannot read $src"
	assert_eq 2 "$(printf '%s\n' "$parts" | grep -c .)" "sgdisk finds the two partitions of $src"
	listing=$(mmls -i ewf "$img" 2>&1) || fail "mmls -i ewf cannot read $img: $listing"
	rows=$(printf '%s\n' "$listing" | awk '$1 ~ /^[0-9]+:$/ && $2 ~ /^[0-9]+$/')
	assert_eq 2 "$(printf '%s\n' "$rows" | grep -c .)" "mmls -i ewf lists exactly two partitions in $img"
	while read -r n start end name; do
		slot=$(printf '%03d' $((n - 1)))
		len=$((end - start + 1))
		assert_eq "$slot $start $end $len $name" \
			"$(printf '%s\n' "$rows" | awk -v s="$slot" '$2 == s { d = $0; for (i = 0; i < 5; i++) sub(/^ *[^ ]+ +/, "", d); printf "%s %d %d %d %s\n", $2, $3, $4, $5, d }')" \
			"mmls -i ewf: partition $n of $img vs sgdisk -p of the source"
		assert_known_files "$img" "$src" "$n" "$start"
	done <<<"$parts"
}

# assert_known_files IMG SRC PARTITION START: fls/icat on the E01 image.
assert_known_files() {
	local img=$1 src=$2 part=$3 start=$4 listing path want inode got count=0
	listing=$(fls -i ewf -r -p -o "$start" "$img" 2>&1) ||
		fail "fls -i ewf cannot read partition $part of $img: $listing"
	while read -r path want; do
		inode=$(printf '%s\n' "$listing" |
			awk -F'\t' -v p="$path" '$2 == p && $1 ~ /^r\/r / && !n++ { split($1, a, " "); sub(/:$/, "", a[2]); print a[2] }')
		[[ -n $inode ]] || fail "fls -i ewf on partition $part of $img does not list $path:"$'\n'"$listing"
		check_ok
		got=$(icat -i ewf -o "$start" "$img" "$inode" | sha256sum | cut -d' ' -f1)
		assert_eq "$want" "$got" "icat -i ewf of $path (partition $part, inode $inode) vs the manifest"
		count=$((count + 1))
	done < <(manifest_files "$src" "$part")
	assert_lt 2 "$count" "the manifest lists known files of partition $part"
}

# merge_ranges RANGE...: the "FIRST+COUNT" ranges sorted, overlapping and
# adjacent ones merged, one per line (what a bad-sector list must show).
merge_ranges() {
	local r
	for r in "$@"; do
		echo "${r%+*} ${r#*+}"
	done | sort -n -k1,1 | awk '
		NR == 1 { f = $1; e = $1 + $2; next }
		$1 <= e { if ($1 + $2 > e) e = $1 + $2; next }
		{ print f "+" (e - f); f = $1; e = $1 + $2 }
		END { if (NR) print f "+" (e - f) }'
}

# zero_filled_copy SRC OUT SECTOR_SIZE RANGE...: OUT is SRC with the sectors
# of each "FIRST+COUNT" range zeroed: what an image of SRC must hold when
# those sectors could not be read.
zero_filled_copy() {
	local src=$1 out=$2 ssz=$3 r
	shift 3
	cp "$src" "$out"
	for r in "$@"; do
		dd if=/dev/zero of="$out" bs="$ssz" seek="${r%+*}" count="${r#*+}" \
			conv=notrunc status=none
	done
}

# ---- independent parts ----------------------------------------------------

FX_FAILED_PARTS=()

# run_part NAME CMD...: runs CMD (one independent part of a test) in a
# subshell with errexit, so that a failing part is recorded and the next
# part still runs: one run names every broken behaviour, not just the first.
# What the part deferred is undone when it ends; its checks and skipped
# parts are added to the test's. A part that calls skip counts as skipped.
# End the test with parts_verdict.
run_part() {
	local name=$1 rc n0=${#FX_DEFERRED[@]} state
	shift
	state=$(mktemp "$FX_WORK/.part.XXXXXX")
	set +e # not `if (...)`: errexit would be off inside the subshell
	(
		set -e
		trap 'fx_part_cleanup '"$n0" EXIT
		"$@"
		echo "$FX_CHECKS $FX_SKIPPED_PARTS" >"$state"
	)
	rc=$?
	set -e
	if ((rc == 0)); then
		read -r FX_CHECKS FX_SKIPPED_PARTS <"$state"
	elif ((rc == 77)); then
		FX_SKIPPED_PARTS=$((FX_SKIPPED_PARTS + 1))
	else
		echo "  (part '$name' failed, exit $rc)" >&2
		FX_FAILED_PARTS+=("$name")
	fi
	rm -f "$state"
}

# fx_part_cleanup FROM: runs the deferred commands a part added (index FROM
# on), last first, keeping the part's exit status.
fx_part_cleanup() {
	local rc=$? i
	set +e
	for ((i = ${#FX_DEFERRED[@]} - 1; i >= $1; i--)); do
		eval "${FX_DEFERRED[i]}" >/dev/null 2>&1
	done
	return "$rc"
}

# parts_verdict: fails naming every part that failed (see run_part).
parts_verdict() {
	((${#FX_FAILED_PARTS[@]} == 0)) ||
		fail "${#FX_FAILED_PARTS[@]} part(s) failed: ${FX_FAILED_PARTS[*]} (see the FAIL lines above)"
}

# ---- a competing writer of a case database ---------------------------------

# lock_database DB: another process takes DB's write lock (BEGIN IMMEDIATE)
# and holds it until unlock_database; returns once it holds it (it says so
# through a flag file: polling sqlite3's shell was not reliable).
FX_DB_LOCKER=
lock_database() {
	local db=$1 flag i
	flag=$(mktemp -u "$FX_WORK/.locked.XXXXXX")
	python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").write("locked")
time.sleep(600)' "$db" "$flag" &
	FX_DB_LOCKER=$!
	defer kill "$FX_DB_LOCKER"
	for ((i = 0; i < 600; i++)); do
		[[ -s $flag ]] && return 0
		sleep 0.1
	done
	fail "could not lock $db"
}

# unlock_database: the competing writer ends; its lock goes with it.
unlock_database() {
	kill "$FX_DB_LOCKER" 2>/dev/null || true
	wait "$FX_DB_LOCKER" 2>/dev/null || true
}

