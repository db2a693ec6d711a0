#!/usr/bin/env bash
# End to end: recorded text never drives the examiner's terminal. A case
# number and an examiner name holding a terminal escape sequence (OSC
# "set title", BEL, "clear screen") are recorded by acquire and shown by
# TARGET.log, `verify list`, `verify IMAGE` and every stderr message that
# quotes recorded text or a path (a refusal quoting the case number, the
# refusal to overwrite a file), always as C escapes (\x1b, \x07) and
# never as the raw bytes; the JSON outputs keep JSON escapes (\u001b), not
# escaped twice. Exact lines are compared; "no ESC byte" is `grep -c` of
# the ESC byte in each output, which must be 0.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify
EVIL=$'CASE\x1b]0;pwned\x07\x1b[2J'
SHOWN='CASE\x1b]0;pwned\x07\x1b[2J'   # literally backslash, x, 1, b ...
JSONED='CASE\u001b]0;pwned\u0007\u001b[2J'

# assert_no_esc FILE WHAT: FILE holds no ESC and no BEL byte.
assert_no_esc() {
	assert_eq 0 "$(grep -c $'\x1b' "$1" || true)" "$2: no ESC byte"
	assert_eq 0 "$(grep -c $'\x07' "$1" || true)" "$2: no BEL byte"
}

test_log_and_list() {
	local dir=$FX_WORK/a src=$FX_WORK/src.bin db
	mkdir "$dir"
	db=$dir/case.db
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case "$EVIL" --examiner "$EVIL" \
		--evidence HD-1 "$src" "$dir/t"
	# the database holds the text exactly as given
	assert_eq "$EVIL" "$(sqlite3 "$db" "SELECT case_number FROM cases")" "recorded case number"
	assert_eq "$EVIL" "$(sqlite3 "$db" "SELECT examiner FROM evidence")" "recorded examiner"
	assert_no_esc "$dir/t.log" "TARGET.log"
	assert_file_line "$dir/t.log" "Case number:            $SHOWN" "log: case number escaped"
	assert_file_line "$dir/t.log" "Examiner:               $SHOWN" "log: examiner escaped"
	assert_file_line "$dir/t.log" "Command line:           $FX_ACQUIRE -q -f raw --case '$SHOWN' --examiner '$SHOWN' --evidence HD-1 $src $dir/t" \
		"log: command line escaped"

	# a message on stderr quoting the recorded case number
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --case "$EVIL" --case-description "$EVIL" \
		--evidence HD-2 "$src" "$dir/t2"
	stderr_of_last >"$FX_WORK/refused.err"
	assert_no_esc "$FX_WORK/refused.err" "refusal on stderr"
	assert_eq "acquire: case database $db: case \"$SHOWN\" is recorded without a description; a case's description is recorded once, when the case is made, so \"$SHOWN\" is refused" \
		"$(cat "$FX_WORK/refused.err")" "stderr: the case number escaped"

	assert_exit 0 "$FX_VERIFY" list --db "$db"
	stdout_of_last >"$FX_WORK/list.out"
	assert_no_esc "$FX_WORK/list.out" "verify list"
	assert_eq "case $SHOWN" "$(head -n1 "$FX_WORK/list.out" | sed 's/ (created .*//')" "verify list: case line"
	assert_file_line "$FX_WORK/list.out" "  evidence HD-1 (id 1); examiner $SHOWN" "verify list: evidence line"
	assert_exit 0 "$FX_VERIFY" list --json --db "$db"
	assert_contains "$(stdout_of_last)" "\"case_number\":\"$JSONED\"" "verify list --json: JSON escapes, once"
	assert_contains "$(stdout_of_last)" "\"examiner\":\"$JSONED\"" "verify list --json: examiner"
	assert_not_contains "$(stdout_of_last)" '\x1b' "verify list --json: not escaped twice"

	assert_exit 0 "$FX_VERIFY" "$dir/t.raw"
	stdout_of_last >"$FX_WORK/verify.out"
	assert_no_esc "$FX_WORK/verify.out" "verify IMAGE"
	assert_file_line "$FX_WORK/verify.out" "  record:   case $SHOWN, evidence HD-1, acquisition 1" "verify IMAGE: record line"
	assert_exit 0 "$FX_VERIFY" --json -q "$dir/t.raw"
	assert_contains "$(stdout_of_last)" "\"case\":\"$JSONED\"" "verify --json: JSON escapes, once"
	assert_not_contains "$(stdout_of_last)" '\x1b' "verify --json: not escaped twice"
}

# Paths hold what a user typed: messages quoting them are escaped too. The
# ESC is in the directory: acquire refuses it in the name of the files it
# creates (acquire_target_names.sh).
test_paths() {
	local dir=$FX_WORK/$'b\x1b[2J' src=$FX_WORK/src.bin name=n
	local sdir=$FX_WORK/'b\x1b[2J' evidence=$'n\x1b[2J' shown='n\x1b[2J'
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q -f raw --case K --evidence "$evidence" "$src" "$dir/$name"
	assert_no_esc "$dir/$name.log" "log of a target whose directory holds ESC"
	assert_file_line "$dir/$name.log" "Evidence number:        $shown" "log: evidence number escaped"
	assert_file_line "$dir/$name.log" "  $sdir/$name.raw, 1048576, $(sha256_of "$src")" "log: image file path escaped"
	# refusal to overwrite names the file, escaped
	assert_exit 2 "$FX_ACQUIRE" -q -f raw --case K "$src" "$dir/$name"
	stderr_of_last >"$FX_WORK/refuse.err"
	assert_no_esc "$FX_WORK/refuse.err" "refusal on stderr"
	assert_eq 1 "$(wc -l <"$FX_WORK/refuse.err")" "refusal: one line"
	assert_contains "$(cat "$FX_WORK/refuse.err")" "acquire: refusing to overwrite existing file $sdir/$name." "refusal: the path escaped"
	# verify names the image, escaped, on stdout and stderr
	assert_exit 0 "$FX_VERIFY" "$dir/$name.raw"
	stdout_of_last >"$FX_WORK/v.out"
	assert_no_esc "$FX_WORK/v.out" "verify of an image whose path holds ESC"
	assert_file_line "$FX_WORK/v.out" "verify: $sdir/$name.raw: verified" "verify: the path escaped"
	assert_exit 4 "$FX_VERIFY" --db "$dir/case.db" "$dir/${name}x.raw"
	cat "$FX_OUT" "$FX_ERR" >"$FX_WORK/v4.out"
	assert_no_esc "$FX_WORK/v4.out" "verify of a missing image whose path holds ESC"
	assert_contains "$(cat "$FX_WORK/v4.out")" "verify: $sdir/${name}x.raw: " "verify: missing path escaped"
	# a database path with ESC in a failure message
	assert_exit 4 "$FX_VERIFY" list --db "$dir/$evidence.db"
	assert_eq "verify: case database $sdir/$shown.db: does not exist" "$(stderr_of_last)" "verify list: missing database named, escaped"
}

main() {
	need_tool sqlite3
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	head -c 1048576 /dev/zero | tr '\0' 'L' >"$FX_WORK/src.bin"
	test_log_and_list
	test_paths
	fx_pass
}

main "$@"
