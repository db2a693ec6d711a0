#!/usr/bin/env bash
# End to end: verify's command line as a user meets it. -q prints nothing
# for an image that verified (the exit code says it) and the summary of one
# that did not; unknown options are one line in the suite's style for every
# subcommand; a closed standard output (`verify report ... | head`) ends the
# command quietly, as for any filter, without the "report: report: ...
# Broken pipe" it printed, and without hiding a verdict; other write errors
# on standard output are one line and exit 4.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

FX_VERIFY=$FX_BIN/verify

# closed_stdout CMD...: runs CMD with standard output a pipe whose reader
# has already gone (deterministic, unlike `| head`, which may read all
# before it exits); stderr to $FX_ERR, exit status in $FX_RC (141: ended by
# SIGPIPE).
closed_stdout() {
	FX_RC=0
	perl -e 'pipe(my $r, my $w) or die "pipe: $!"; close $r; open(STDOUT, ">&", $w) or die "dup: $!"; exec @ARGV or die "exec: $!"' \
		"$@" 2>"$FX_ERR" || FX_RC=$?
}

# assert_usage_line LINE -- ARGS...: verify ARGS exits 2 with exactly LINE
# on stderr, nothing on stdout.
assert_usage_line() {
	local line=$1
	shift 2
	assert_exit 2 "$FX_VERIFY" "$@"
	assert_eq "$line" "$(stderr_of_last)" "the one line of: verify $*"
	assert_eq "" "$(stdout_of_last)" "nothing on stdout: verify $*"
}

# -q was ignored without --json: the full summary was printed.
test_quiet() {
	local dir=$1
	assert_exit 0 "$FX_VERIFY" -q "$dir/good.raw"
	assert_eq "" "$(stdout_of_last)" "-q: nothing on stdout for a verified image"
	assert_eq "" "$(stderr_of_last)" "-q: nothing on stderr for a verified image"
	assert_exit 0 "$FX_VERIFY" --quiet --db "$dir/case.db" "$dir/good.raw"
	assert_eq "" "$(stdout_of_last)$(stderr_of_last)" "--quiet --db: nothing at all"
	# an image that does not verify still says why
	assert_exit 1 "$FX_VERIFY" -q "$dir/bad.raw"
	assert_eq "verify: $dir/bad.raw: MISMATCH" "$(head -n1 "$FX_OUT")" "-q: a mismatch is still told"
	assert_contains "$(stdout_of_last)" "  MD5:     $(md5_of "$dir/bad.raw")  DIFFERS from acquisition record" \
		"-q: the hash that differs"
	assert_eq "" "$(stderr_of_last)" "-q: the summary is on stdout"
	# -q --json: the JSON alone, as before
	assert_exit 0 "$FX_VERIFY" -q --json "$dir/good.raw"
	assert_eq verified "$(json_read "$FX_OUT" .status)" "-q --json: the JSON object"
	assert_eq "" "$(stderr_of_last)" "-q --json: nothing on stderr"
	# without -q, the summary as always
	assert_exit 0 "$FX_VERIFY" "$dir/good.raw"
	assert_eq "verify: $dir/good.raw: verified" "$(head -n1 "$FX_OUT")" "without -q: the summary"
}

# getopt's own messages named the full binary path and gave no hint.
test_unknown_options() {
	local dir=$1 sub
	assert_usage_line "verify: unrecognized option '--foo' (see verify --help)" -- \
		--foo "$dir/good.raw"
	assert_usage_line "verify: unrecognized option '-x' (see verify --help)" -- \
		-x "$dir/good.raw"
	assert_usage_line "verify: option '--db' requires a value (see verify --help)" -- \
		"$dir/good.raw" --db
	assert_usage_line "verify: option '--json' does not take a value (see verify --help)" -- \
		--json=yes "$dir/good.raw"
	for sub in handoff audit list report; do
		assert_usage_line "verify: unrecognized option '--foo' (see verify --help)" -- \
			"$sub" --foo --db "$dir/case.db"
	done
	assert_usage_line "verify: option '-o' requires a value (see verify --help)" -- \
		report --case C1 --format text -o
}

# A closed standard output: quiet, SIGPIPE semantics (141) when the
# command would have exited 0, the verdict kept otherwise.
test_closed_stdout() {
	local dir=$1 before
	closed_stdout "$FX_VERIFY" report --case C1 --format html --db "$dir/case.db"
	assert_eq 141 "$FX_RC" "report to a closed pipe: ends by SIGPIPE"
	assert_eq "" "$(stderr_of_last)" "report to a closed pipe: nothing on stderr (was 'report: report: ... Broken pipe')"
	closed_stdout "$FX_VERIFY" list --db "$dir/case.db"
	assert_eq 141 "$FX_RC" "list to a closed pipe: ends by SIGPIPE"
	assert_eq "" "$(stderr_of_last)" "list to a closed pipe: nothing on stderr"
	closed_stdout "$FX_VERIFY" "$dir/good.raw"
	assert_eq 141 "$FX_RC" "verify IMAGE to a closed pipe: ends by SIGPIPE"
	before=$(sqlite3 "$dir/case.db" "SELECT count(*) FROM verifications WHERE result = 'mismatch'")
	closed_stdout "$FX_VERIFY" --json "$dir/bad.raw"
	assert_eq 1 "$FX_RC" "a mismatch is not hidden by a closed pipe"
	assert_eq $((before + 1)) "$(sqlite3 "$dir/case.db" "SELECT count(*) FROM verifications WHERE result = 'mismatch'")" \
		"the mismatch is recorded, with a closed pipe too"
	closed_stdout "$FX_ACQUIRE" -q --json --format raw "$dir/src.bin" "$dir/piped"
	assert_eq 141 "$FX_RC" "acquire --json to a closed pipe: ends by SIGPIPE"
	assert_eq "" "$(stderr_of_last)" "acquire --json to a closed pipe: nothing on stderr"
	assert_eq completed "$(sqlite3 "$dir/case.db" "SELECT a.status FROM acquisitions a JOIN image_files f ON f.acquisition_id = a.id WHERE f.path = '$dir/piped.raw'")" \
		"acquire --json to a closed pipe: the acquisition is complete and recorded"
}

# Other write errors on standard output: one line, exit 4.
test_full_stdout() {
	local dir=$1
	if [[ ! -w /dev/full ]]; then
		skip_part "standard output on a full device: no /dev/full"
		return 0
	fi
	FX_RC=0
	"$FX_VERIFY" report --case C1 --format text --db "$dir/case.db" >/dev/full 2>"$FX_ERR" || FX_RC=$?
	assert_eq 4 "$FX_RC" "report to a full device: exit 4"
	assert_eq "verify: report: cannot write the report: No space left on device" "$(stderr_of_last)" \
		"report to a full device: one line, 'report:' once"
	FX_RC=0
	"$FX_VERIFY" list --db "$dir/case.db" >/dev/full 2>"$FX_ERR" || FX_RC=$?
	assert_eq 4 "$FX_RC" "list to a full device: exit 4"
	assert_eq "verify: cannot write to standard output: No space left on device" "$(stderr_of_last)" \
		"list to a full device: one line"
}

main() {
	need_tool sqlite3 perl md5sum
	fx_begin
	local dir=$FX_WORK/img
	mkdir "$dir"
	head -c $((3 * 1048576)) /dev/urandom >"$dir/src.bin"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case C1 --evidence GOOD "$dir/src.bin" "$dir/good"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case C1 --evidence BAD "$dir/src.bin" "$dir/bad"
	chmod u+w "$dir/bad.raw"
	printf 'X' | dd of="$dir/bad.raw" bs=1 seek=1000 conv=notrunc status=none
	run_part "-q" test_quiet "$dir"
	run_part "unknown options" test_unknown_options "$dir"
	run_part "closed stdout" test_closed_stdout "$dir"
	run_part "full stdout" test_full_stdout "$dir"
	parts_verdict
	fx_pass
}

main "$@"
