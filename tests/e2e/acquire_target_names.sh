#!/usr/bin/env bash
# End to end: what TARGET may be called, what acquire says about what was
# typed, and the files beside the image.
#
#  - A TARGET whose name holds a control character (a line feed split a
#    line of TARGET.sha256, and verify then said "image file ./nl is
#    missing"), a bidirectional control or a byte that is not UTF-8 is
#    refused: one line naming the character and where it is, exit 2,
#    nothing written.
#  - A TARGET with a backslash is an ordinary name: TARGET.sha256 is
#    byte for byte what sha256sum writes (its escaped form: a leading
#    backslash, the backslash doubled), `sha256sum -c` passes and verify
#    reads it (exit 0), for raw, split raw and E01.
#  - An option value, an unknown option or a source path holding ESC is
#    quoted on stderr as C escapes, never as the raw byte.
#  - TARGET.log and TARGET.sha256 are created O_EXCL|O_NOFOLLOW: a link
#    planted there after the check before the run fails the run (exit 4)
#    naming it as a link, and the link's target is untouched; `verify
#    report -o` on a link is refused the same way.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576
FX_VERIFY=$FX_BIN/verify

# assert_no_esc FILE WHAT: FILE holds no ESC and no BEL byte.
assert_no_esc() {
	assert_eq 0 "$(grep -c $'\x1b' "$1" || true)" "$2: no ESC byte"
	assert_eq 0 "$(grep -c $'\x07' "$1" || true)" "$2: no BEL byte"
}

# assert_refused_name DIR NAME SHOWN WHAT AT: TARGET DIR/NAME is refused
# with one line naming WHAT (as SHOWN) at byte AT of TARGET; nothing is
# written (DIR holds only src).
assert_refused_name() {
	local dir=$1 name=$2 shown=$3 what=$4 at=$5 fmt
	for fmt in raw e01; do
		assert_exit 2 "$FX_ACQUIRE" -q --format "$fmt" "$dir/src" "$dir/$name"
		assert_eq "acquire: TARGET $dir/$shown: $what at byte $at; the name of an image file must be printable text (see acquire --help)" \
			"$(stderr_of_last)" "$fmt, TARGET $shown: the one refusal line"
		assert_eq "src" "$(ls -A "$dir")" "$fmt, TARGET $shown: nothing written"
	done
}

test_refused_names() {
	local dir at
	dir=$(realpath "$FX_WORK")/refused
	mkdir "$dir"
	head -c "$MIB" /dev/zero >"$dir/src"
	at=$((${#dir} + 3)) # the byte after "$dir/ev"
	assert_refused_name "$dir" $'ev\nl' 'ev\nl' 'a control character (\n)' "$at"
	assert_refused_name "$dir" $'ev\x1b]0;x\x07' 'ev\x1b]0;x\x07' 'a control character (\x1b)' "$at"
	assert_refused_name "$dir" $'ev\t1' 'ev\t1' 'a control character (\t)' "$at"
	assert_refused_name "$dir" $'ev\x7f' 'ev\x7f' 'a control character (\x7f)' "$at"
	assert_refused_name "$dir" $'ev\xc2\x85' 'ev\u0085' 'a control character (\u0085)' "$at"
	assert_refused_name "$dir" $'ev\xe2\x80\xaetxt.exe' 'ev\u202etxt.exe' \
		'a bidirectional or line-separator control (\u202e)' "$at"
	assert_refused_name "$dir" $'ev\xc3(' 'ev\xc3(' 'a byte that is not UTF-8 (\xc3)' "$at"
	assert_refused_name "$dir" $'ev\xff' 'ev\xff' 'a byte that is not UTF-8 (\xff)' "$at"
	# printable UTF-8 is a name like any other
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/Beweisstück-ü"
	assert_sha256_file "$dir" "Beweisstück-ü.sha256" "Beweisstück-ü.raw"
	# a directory is only named (escaped where shown): the name is the rule
	mkdir "$dir/d"$'\n'
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/d"$'\n'"/ev"
	assert_sha256_file "$dir/d"$'\n' ev.sha256 ev.raw
}

# check_backslash_set DIR NAME FILE...: NAME.sha256 is what sha256sum
# writes for FILE... (the escaped form), sha256sum -c and verify accept it.
check_backslash_set() {
	local dir=$1 name=$2 out
	shift 2
	assert_eq "$(cd "$dir" && sha256sum -- "$@")" "$(cat "$dir/$name.sha256")" \
		"$name.sha256 is byte for byte sha256sum's own output"
	assert_eq '\' "$(head -c 1 "$dir/$name.sha256")" "$name.sha256: the escaped form (a leading backslash)"
	out=$(cd "$dir" && sha256sum -c --strict "$name.sha256" 2>&1) || fail "sha256sum -c $name.sha256 failed: $out"
	check_ok
	assert_eq "$#" "$(printf '%s\n' "$out" | grep -c ': OK$')" "sha256sum -c: every file OK"
	assert_exit 0 "$FX_VERIFY" -q --json "$dir/$1"
	assert_eq verified "$(json_read "$FX_OUT" .status)" "verify $1: verified"
	assert_eq 1 "$(json_flatten <"$FX_OUT" | grep -c $'^\\.references\\[[0-9]*\\]\tsha256_file$')" \
		"verify $1: TARGET.sha256 was a reference"
	assert_eq 0 "$(json_read "$FX_OUT" '.findings#')" "verify $1: no finding"
}

test_backslash_names() {
	local dir
	dir=$(realpath "$FX_WORK")/backslash
	mkdir "$dir"
	head -c $((2 * MIB + 512)) /dev/urandom >"$dir/src"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/ev\\1"
	check_backslash_set "$dir" 'ev\1' 'ev\1.raw'
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --segment-size 1M "$dir/src" "$dir/sp\\2"
	check_backslash_set "$dir" 'sp\2' 'sp\2.001' 'sp\2.002' 'sp\2.003'
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 "$dir/src" "$dir/e\\3"
	check_backslash_set "$dir" 'e\3' 'e\3.E01'
}

# assert_escaped_refusal EXPECTED CMD...: CMD exits 2 with the line
# EXPECTED (ESC shown as \x1b) and no raw ESC byte on stderr.
assert_escaped_refusal() {
	local want=$1 what
	shift
	printf -v what '%q ' "${@:2}" # the arguments, without a raw ESC
	assert_exit 2 "$@"
	assert_eq "$want" "$(stderr_of_last)" "stderr of: ${1##*/} $what"
	assert_no_esc "$FX_ERR" "stderr of: ${1##*/} $what"
}

test_escaped_stderr() {
	local dir=$FX_WORK/esc E=$'\x1b[2J' S='\x1b[2J'
	mkdir "$dir"
	head -c "$MIB" /dev/zero >"$dir/src"
	assert_escaped_refusal "acquire: --threads: invalid number '1$S' (see acquire --help)" \
		"$FX_ACQUIRE" -q --threads "1$E" "$dir/src" "$dir/t"
	assert_escaped_refusal "acquire: --retries: invalid number '$S' (see acquire --help)" \
		"$FX_ACQUIRE" -q --retries "$E" "$dir/src" "$dir/t"
	assert_escaped_refusal "acquire: --format: unknown format 'raw$S' (raw, iso or e01) (see acquire --help)" \
		"$FX_ACQUIRE" -q --format "raw$E" "$dir/src" "$dir/t"
	assert_escaped_refusal "acquire: unrecognized option '--$S' (see acquire --help)" \
		"$FX_ACQUIRE" -q "--$E=1" "$dir/src" "$dir/t"
	assert_escaped_refusal "verify: unrecognized option '--$S' (see verify --help)" \
		"$FX_VERIFY" "--$E" "$dir/t.raw"
	# messages of the library that quote the value
	assert_exit 2 "$FX_ACQUIRE" -q --segment-size "1$E" "$dir/src" "$dir/t"
	assert_contains "$(stderr_of_last)" "$S" "--segment-size: the value, escaped"
	assert_no_esc "$FX_ERR" "--segment-size"
	assert_exit 2 "$FX_ACQUIRE" -q --hash "md5,$E" "$dir/src" "$dir/t"
	assert_contains "$(stderr_of_last)" "$S" "--hash: the value, escaped"
	assert_no_esc "$FX_ERR" "--hash"
	assert_eq "src" "$(ls -A "$dir")" "nothing written by the refused runs"
}

# A block device named through a link holding ESC, refused after it was
# write-blocked: the flags are given back, and the line saying so quotes
# the source path escaped.
test_escaped_source() {
	local dir why loop name n
	why=$(loop_unavailable)
	[[ -z $why ]] || skip "source path with ESC on a block device: $why"
	dir=$(realpath "$FX_WORK")/esc-source
	mkdir "$dir"
	head -c $((2 * MIB)) /dev/zero >"$dir/disk"
	loop=$(losetup --find --show "$dir/disk") || fail "losetup --find --show $dir/disk failed"
	defer losetup -d "$loop"
	blockdev --setrw "$loop"
	n=${loop#/dev/}
	name=$'dev\x1b]0;pwned\x07'
	ln -s "$loop" "$dir/$name"
	touch "$dir/t.raw"
	assert_exit 2 "$FX_ACQUIRE" -q --format raw "$dir/$name" "$dir/t"
	assert_eq "acquire: refusing to overwrite existing file $dir/t.raw"$'\n'"acquire: read-only flags restored (nothing was read from $dir/dev\\x1b]0;pwned\\x07): $n=0" \
		"$(stderr_of_last)" "the source path escaped in the restore line"
	assert_no_esc "$FX_ERR" "stderr naming a source path with ESC"
	assert_eq 0 "$(blockdev --getro "$loop")" "the flag was given back"
}

# A link planted at TARGET.log after the check before the run (while
# acquire waits for the case database, locked by another writer): the log
# is not created through it; the run fails (exit 4) naming the link.
test_log_link() {
	local dir pid rc=0 i victim
	dir=$(realpath "$FX_WORK")/log-link
	mkdir "$dir"
	head -c "$MIB" /dev/urandom >"$dir/src"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/first"
	victim=$dir/victim
	printf 'not the log\n' >"$victim"
	lock_database "$dir/case.db"
	"$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/t" >"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	# the database is opened after every check before the run
	for ((i = 0; i < 200; i++)); do
		[[ $(readlink /proc/"$pid"/fd/* 2>/dev/null) == *"$dir/case.db"* ]] && break
		kill -0 "$pid" 2>/dev/null || fail "acquire ended before it opened the case database: $(cat "$FX_ERR")"
		sleep 0.05
	done
	((i < 200)) || fail "acquire did not open $dir/case.db"
	ln -s "$victim" "$dir/t.log"
	unlock_database
	wait "$pid" || rc=$?
	assert_eq 4 "$rc" "a link at TARGET.log: exit code"
	assert_eq "acquire: cannot create the log: refusing to overwrite existing file $dir/t.log (a symbolic link, never followed)" \
		"$(stderr_of_last)" "a link at TARGET.log: the one line"
	assert_eq "$victim" "$(readlink "$dir/t.log")" "the link is left as it was"
	assert_eq "not the log" "$(cat "$victim")" "the link's target is untouched"
	assert_eq "failed|refusing to overwrite existing file $dir/t.log (a symbolic link, never followed)" \
		"$(sqlite3 "$dir/case.db" "SELECT a.status, a.error FROM acquisitions a JOIN evidence e ON e.id = a.evidence_id WHERE e.evidence_number = 't'")" \
		"database: the run failed, saying why"
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

# A link planted at TARGET.sha256 while the image is read back (strace
# makes each 1 MiB read of the image take 0.3 s): not written through it,
# the run fails (exit 4) naming the link, the log says why.
test_sha256_link() {
	local dir spid rc=0 i victim
	if ! strace_usable; then
		skip "a link at TARGET.sha256: strace is missing or cannot trace here"
	fi
	dir=$(realpath "$FX_WORK")/sha-link
	mkdir "$dir"
	head -c $((4 * MIB)) /dev/urandom >"$dir/src"
	victim=$dir/victim
	printf 'not the list\n' >"$victim"
	# LeakSanitizer cannot run under strace (sanitizer builds)
	env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -o "$dir/trace" -P "$dir/t.raw" -e trace=pread64 \
		-e inject=pread64:delay_enter=300000 \
		"$FX_ACQUIRE" -q --format raw "$dir/src" "$dir/t" >"$FX_OUT" 2>"$FX_ERR" &
	spid=$!
	defer stop_traced "$spid"
	for ((i = 0; i < 600; i++)); do
		grep -q 'pread64' "$dir/trace" 2>/dev/null && break
		kill -0 "$spid" 2>/dev/null || fail "acquire ended before its read-back: $(cat "$FX_ERR")"
		sleep 0.05
	done
	((i < 600)) || fail "no read-back of $dir/t.raw after 30 s"
	ln -s "$victim" "$dir/t.sha256"
	wait "$spid" || rc=$?
	assert_eq 4 "$rc" "a link at TARGET.sha256: exit code"
	assert_eq "acquire: cannot create the SHA-256 file: refusing to overwrite existing file $dir/t.sha256 (a symbolic link, never followed)" \
		"$(head -n1 "$FX_ERR")" "a link at TARGET.sha256: stderr names it as a link"
	assert_eq "not written: refusing to overwrite existing file $dir/t.sha256 (a symbolic link, never followed)" \
		"$(log_value "$dir/t.log" 'SHA-256 file')" "log: why TARGET.sha256 was not written"
	assert_eq "$victim" "$(readlink "$dir/t.sha256")" "the link is left as it was"
	assert_eq "not the list" "$(cat "$victim")" "the link's target is untouched"
	assert_same_file "$dir/src" "$dir/t.raw" "the image is whole"
}

test_report_link() {
	local dir
	dir=$(realpath "$FX_WORK")/report-link
	mkdir "$dir"
	head -c "$MIB" /dev/zero >"$dir/src"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case R-1 "$dir/src" "$dir/t"
	ln -s "$dir/nowhere.txt" "$dir/report.txt"
	assert_exit 2 "$FX_VERIFY" report --db "$dir/case.db" --case R-1 --format text -o "$dir/report.txt"
	assert_eq "verify: report: refusing to overwrite existing file $dir/report.txt (a symbolic link, never followed) (see verify --help)" \
		"$(stderr_of_last)" "report -o on a dangling link: refused, named a link"
	assert_missing "$dir/nowhere.txt" "nothing created through the link"
	assert_eq "$dir/nowhere.txt" "$(readlink "$dir/report.txt")" "the link is left as it was"
}

main() {
	need_tool sha256sum sqlite3 python3
	fx_begin
	run_part "refused names" test_refused_names
	run_part "names with a backslash" test_backslash_names
	run_part "escaped stderr" test_escaped_stderr
	run_part "escaped source path" test_escaped_source
	run_part "link at TARGET.log" test_log_link
	run_part "link at TARGET.sha256" test_sha256_link
	run_part "verify report -o on a link" test_report_link
	parts_verdict
	fx_pass
}

main "$@"
