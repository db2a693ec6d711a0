#!/usr/bin/env bash
# End to end: --progress (docs/progress.md). With json, stderr holds one
# JSON object per line and nothing else but messages: every line parses,
# the phases come in order (reading, verifying, verifying-source,
# hashing-segments for E01, done), bytes never go back and end at the
# source's size, totals are exact, at most two lines a second within a
# phase, and the last line is done with the exit code and status -- for a
# completed run, a refusal, an interrupted run, and verify's phases and
# verdicts; a progress reader that goes away does not stop the run. An
# unknown mode is refused with one exact line. text writes
# every phase's line (also when stderr is not a terminal), none nothing.
# (The checks of the lines: lib/check_progress.py.)
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly SIZE=$((96 * 1048576))
CHECK=

# check_lines STDERR PHASES EXIT STATUS [key=value...]: the JSON lines as
# lib/check_progress.py checks them.
check_lines() {
	local out
	out=$(python3 "$CHECK" "$@") || fail "progress lines of $1: $out"$'\n'"$(head -c 3000 "$1")"
	check_ok
}

# Raw, verified, the source re-read: reading, verifying, verifying-source.
test_raw() {
	local src=$1 dir=$FX_WORK/raw
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" --progress json --format raw --verify-source "$src" "$dir/t"
	assert_eq "" "$(stdout_of_last)" "nothing on stdout"
	cp "$FX_ERR" "$dir/err"
	check_lines "$dir/err" reading,verifying,verifying-source,done 0 completed \
		size="$SIZE" messages=0 done.bytes="$SIZE" done.total="$SIZE" \
		done.unreadable_sectors=0 done.verification='"verified"' \
		done.source_verification='"verified"'
	assert_eq "$(sha256_of "$src")" "$(sha256_of "$dir/t.raw")" "the image is the source"
}

# E01: the segments hashed from storage after the read-back; --json on
# stdout beside the progress on stderr.
test_e01() {
	local src=$1 dir=$FX_WORK/e01 seg_bytes
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" --progress json --json --segment-size 40M "$src" "$dir/t"
	cp "$FX_OUT" "$dir/out.json"
	cp "$FX_ERR" "$dir/err"
	assert_eq completed "$(json_get "$dir/out.json" .status)" "--json on stdout, whole"
	seg_bytes=$(cat "$dir"/t.E0? | wc -c)
	check_lines "$dir/err" reading,verifying,hashing-segments,done 0 completed \
		size="$SIZE" files=3 files_bytes="$seg_bytes" messages=0 \
		done.bytes="$SIZE" done.verification='"verified"'
	# verify: reading, hashing-files, done; the image named on every line
	assert_exit 0 "$FX_BIN/verify" --progress json "$dir/t.E01"
	cp "$FX_ERR" "$dir/verify.err"
	check_lines "$dir/verify.err" reading,hashing-files,done 0 verified tool=verify \
		image="$dir/t.E01" size="$SIZE" nulls=1 files=3 files_bytes="$seg_bytes" \
		messages=0 done.images=1
	assert_contains "$(stdout_of_last)" "verify: $dir/t.E01: verified" "the summary on stdout"
	# handoff verifies the same way before it records the transfer
	assert_exit 0 "$FX_BIN/verify" handoff t --to "B. Lab" --reason "transfer" \
		--db "$dir/case.db" --progress json
	cp "$FX_ERR" "$dir/handoff.err"
	check_lines "$dir/handoff.err" reading,hashing-files,done 0 verified tool=verify \
		image="$dir/t.E01" size="$SIZE" nulls=1 files=3 messages=0 done.images=1
	assert_contains "$(stdout_of_last)" "verify: custody of evidence t transferred" \
		"handoff: the transfer on stdout"
	# with --json as well: the transfer is in the JSON object, and stderr
	# has the JSON lines only (it used to say the handoff was REFUSED)
	assert_exit 0 "$FX_BIN/verify" handoff t --to "C. Lab" --reason "transfer" \
		--db "$dir/case.db" --progress json --json
	cp "$FX_ERR" "$dir/handoff-json.err"
	check_lines "$dir/handoff-json.err" reading,hashing-files,done 0 verified tool=verify \
		image="$dir/t.E01" size="$SIZE" nulls=1 files=3 messages=0 done.images=1
	assert_contains "$(stdout_of_last)" '"to":"C. Lab"' "handoff --json: the transfer in the object"
	# export verifies the same way as it writes the virtual disk
	assert_exit 0 "$FX_BIN/verify" export t --to raw -o "$dir/x.raw" \
		--db "$dir/case.db" --progress json
	cp "$FX_ERR" "$dir/export.err"
	check_lines "$dir/export.err" reading,hashing-files,done 0 verified tool=verify \
		image="$dir/t.E01" size="$SIZE" nulls=1 files=3 messages=0 done.images=1
	assert_contains "$(stdout_of_last)" "verify: evidence t exported as raw to $dir/x.raw" \
		"export: the export on stdout"
	# text: verify's two phases, each line ended
	assert_exit 0 "$FX_BIN/verify" --progress text "$dir/t.E01"
	assert_contains "$(stderr_of_last | tr '\r' '\n')" $'\nverify: reading: 0.09 / 0.09 GiB (100.0%)' \
		"verify text: the media read's line"
	assert_contains "$(stderr_of_last | tr '\r' '\n')" $'\nverify: hashing files: 3 of 3 files, 0.09 / 0.09 GiB (100.0%)' \
		"verify text: the files' line"
}

# verify of a changed image: exit 1, status mismatch; with --json the
# summary is not written on stderr (stdout's object says it).
test_verify_mismatch() {
	local src=$1 dir=$FX_WORK/mismatch
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --progress none --format raw "$src" "$dir/t"
	assert_eq "" "$(stderr_of_last)" "--progress none -q: nothing on stderr"
	chmod u+w "$dir/t.raw"
	printf 'X' | dd of="$dir/t.raw" bs=1 seek=1000000 conv=notrunc status=none
	assert_exit 1 "$FX_BIN/verify" --progress json --json "$dir/t.raw"
	cp "$FX_ERR" "$dir/err"
	check_lines "$dir/err" reading,done 1 mismatch tool=verify image="$dir/t.raw" \
		size="$SIZE" nulls=1 messages=0 done.images=1
	assert_eq mismatch "$(stdout_of_last | json_flatten | awk -F'\t' '$1 == ".status" { print $2 }')" \
		"verify --json: the verdict on stdout"
}

# A refusal after the command line was accepted still ends with done:
# the message, then done with exit 2.
test_refusal() {
	local src=$1 dir=$FX_WORK/refusal
	mkdir "$dir"
	: >"$dir/t.raw"
	assert_exit 2 "$FX_ACQUIRE" --progress json --format raw "$src" "$dir/t"
	cp "$FX_ERR" "$dir/err"
	check_lines "$dir/err" "done" 2 refused messages=1 done.bytes=0 done.total="$SIZE"
	assert_eq "acquire: refusing to overwrite existing file $dir/t.raw" \
		"$(head -n1 "$dir/err")" "the refusal's message comes first, as text"
}

# An unknown mode: one line, exit 2, nothing written, no JSON.
test_bad_mode() {
	local src=$1 dir=$FX_WORK/badmode
	mkdir "$dir"
	assert_exit 2 "$FX_ACQUIRE" --progress xml --format raw "$src" "$dir/t"
	assert_eq "acquire: --progress: unknown mode 'xml' (json, text or none) (see acquire --help)" \
		"$(stderr_of_last)" "acquire: the exact line"
	assert_eq "" "$(ls -A "$dir")" "nothing written"
	assert_exit 2 "$FX_BIN/verify" --progress JSON "$src"
	assert_eq "verify: --progress: unknown mode 'JSON' (json, text or none) (see verify --help)" \
		"$(stderr_of_last)" "verify: the exact line"
	assert_exit 2 "$FX_BIN/verify" --progress $'a\x1b[2Jb' "$src"
	assert_eq "verify: --progress: unknown mode 'a\\x1b[2Jb' (json, text or none) (see verify --help)" \
		"$(stderr_of_last)" "verify: the mode escaped (no terminal escape reaches the screen)"
	assert_exit 2 "$FX_ACQUIRE" --progress "$src" "$dir/t"
	assert_eq "acquire: --progress: unknown mode '$src' (json, text or none) (see acquire --help)" \
		"$(stderr_of_last)" "--progress takes the next word as its mode"
}

# SIGINT during reading: done with 130 and interrupted.
test_interrupted() {
	local dir=$FX_WORK/int big pid i rc=0
	mkdir "$dir"
	big=$dir/big.bin
	truncate -s 8G "$big"
	"$FX_ACQUIRE" --progress json --compression empty "$big" "$dir/t" 2>"$dir/err" &
	pid=$!
	defer stop_acquire "$pid"
	# the first line with bytes read, then the signal
	for ((i = 0; i < 300; i++)); do
		grep -q '"phase":"reading","bytes":[1-9]' "$dir/err" 2>/dev/null && break
		sleep 0.1
	done
	kill -INT "$pid"
	wait "$pid" || rc=$?
	assert_eq 130 "$rc" "SIGINT: exit 130"
	check_lines "$dir/err" reading,done 130 interrupted done.total=8589934592 \
		done.verification='"skipped"' read_is_done=1
	assert_contains "$(grep -v '^{' "$dir/err")" "acquire: interrupted by SIGINT after" \
		"the message says it, as text"
}

# A program that stops reading the progress (closes the pipe) does not
# stop the acquisition: it completes, verified and recorded.
test_reader_gone() {
	local src=$1 dir=$FX_WORK/gone first rc
	mkdir "$dir"
	first=$( ("$FX_ACQUIRE" --progress json --format raw "$src" "$dir/t" 2>&1 >/dev/null
		echo $? >"$dir/rc") | head -n1)
	rc=$(cat "$dir/rc")
	assert_eq 0 "$rc" "exit 0 with the progress pipe closed after one line"
	assert_contains "$first" '{"t":' "the one line read was JSON"
	assert_eq "$(sha256_of "$src")" "$(sha256_of "$dir/t.raw")" "the image is complete"
	assert_eq completed "$(sqlite3 "$dir/case.db" 'SELECT status FROM acquisitions')" "recorded completed"
}

# text: every phase's line, ended; also when stderr is not a terminal.
# The default off a terminal: no progress; none: no progress.
test_text_and_none() {
	local src=$1 dir=$FX_WORK/text err
	mkdir "$dir"
	assert_exit 0 "$FX_ACQUIRE" --progress text --format raw "$src" "$dir/t"
	err=$(stderr_of_last | tr '\r' '\n')
	assert_eq "" "$(stdout_of_last)" "text: nothing on stdout"
	assert_contains "$err" $'\nacquire: reading: 0.00 / 0.09 GiB (  0.0%)' "text: reading begins at 0%"
	assert_contains "$err" $'\nacquire: reading: 0.09 / 0.09 GiB (100.0%)' "text: reading ends at 100%"
	assert_contains "$err" $'\nacquire: verifying image: 0.09 / 0.09 GiB (100.0%)' "text: the read-back's line"
	assert_eq 0 "$(stderr_of_last | grep -c '^{' || true)" "text: no JSON"
	assert_eq "acquire: completed, $SIZE bytes, MD5 $(md5_of "$src"), SHA-256 $(sha256_of "$src")" \
		"$(stderr_of_last | tail -n1)" "text: the summary on a line of its own"
	assert_exit 0 "$FX_ACQUIRE" --format raw "$src" "$dir/d"
	assert_eq "acquire: completed, $SIZE bytes, MD5 $(md5_of "$src"), SHA-256 $(sha256_of "$src")" \
		"$(stderr_of_last)" "default off a terminal: no progress"
	assert_exit 0 "$FX_ACQUIRE" -q --progress text --format raw "$src" "$dir/q"
	assert_contains "$(stderr_of_last | tr '\r' '\n')" $'\nacquire: verifying image: 0.09 / 0.09 GiB (100.0%)' \
		"--progress text wins over -q for the progress"
	assert_not_contains "$(stderr_of_last)" "acquire: completed" "-q: no summary line"
	# on a terminal of 60 columns every line is cut to 59: a line that
	# wraps cannot be rewritten in place
	if ! have_tool script; then
		skip_part "text on a narrow terminal: script(1) is not installed"
		return 0
	fi
	err=$(script -qec "stty cols 60; $(printf '%q ' "$FX_ACQUIRE" --format raw "$src" "$dir/n")" \
		/dev/null 2>&1 | tr '\r' '\n') || fail "acquire under script(1) failed: $err"
	check_ok
	assert_contains "$err" $'\nacquire: reading: 0.09 / 0.09 GiB (100.0%)    ' "narrow: the reading line"
	assert_eq 59 "$(printf '%s\n' "$err" | grep '^acquire: reading' | awk '{ print length($0) }' | sort -n | tail -n1)" \
		"narrow: the longest line is 59 columns"
}

# The checker itself fails on what it is there to find (so that the
# checks above cannot pass by finding nothing).
test_checker() {
	local f=$FX_WORK/fake out
	local a='{"t":0.000,"phase":"reading","bytes":0,"total":10,"unreadable_sectors":0,"elapsed_s":0.000,"mb_per_s":0.0,"avg_mb_per_s":0.0,"eta_s":null}'
	local b='{"t":0.200,"phase":"reading","bytes":5,"total":10,"unreadable_sectors":0,"elapsed_s":0.200,"mb_per_s":0.0,"avg_mb_per_s":0.0,"eta_s":1}'
	local c='{"t":0.300,"phase":"reading","bytes":10,"total":10,"unreadable_sectors":0,"elapsed_s":0.300,"mb_per_s":0.0,"avg_mb_per_s":0.0,"eta_s":0}'
	local d='{"t":0.400,"phase":"done","exit":0,"status":"completed"}'
	printf '%s\n' "$a" "$c" "$d" >"$f"
	out=$(python3 "$CHECK" "$f" reading,done 0 completed size=10) || fail "checker: a good run refused: $out"
	assert_eq "ok: 3 lines" "$out" "checker: a good run"
	printf '%s\n' "$a" "$b" "$c" "$d" >"$f"
	out=$(python3 "$CHECK" "$f" reading,done 0 completed) && fail "checker: lines 0.2 s apart passed"
	assert_eq "reading: two lines 0.200 s apart (t 0.000, 0.200)" "$out" "checker: the rate limit"
	printf '%s\n' "$a" "${c/\"bytes\":10/\"bytes\":4}" "$d" >"$f"
	out=$(python3 "$CHECK" "$f" reading,done 0 completed size=10) && fail "checker: a short phase passed"
	assert_eq "reading: ends at 4 of 10, expected 10" "$out" "checker: the end of a phase"
	printf '%s\n' "$a" "acquire done" "$d" >"$f"
	out=$(python3 "$CHECK" "$f" reading,done 0 completed) && fail "checker: a stray line passed"
	assert_eq "line 2 is neither JSON nor a message of acquire: 'acquire done'" "$out" "checker: stray text"
	printf '%s\n' "$a" "$c" >"$f"
	out=$(python3 "$CHECK" "$f" reading,done 0 completed) && fail "checker: no done passed"
	assert_eq "phases reading, expected reading,done" "$out" "checker: done is required"
	printf '%s\n' "$a" "$c" "${d/\"exit\":0/\"exit\":4}" >"$f"
	out=$(python3 "$CHECK" "$f" reading,done 0 completed) && fail "checker: a wrong exit passed"
	assert_eq "done: exit 4, expected 0" "$out" "checker: the exit code"
}

main() {
	need_tool python3 sha256sum md5sum sqlite3
	fx_begin
	CHECK=$FX_ROOT/tests/e2e/lib/check_progress.py
	local src=$FX_WORK/src.bin
	head -c "$SIZE" /dev/urandom >"$src"
	test_checker
	test_raw "$src"
	test_e01 "$src"
	test_verify_mismatch "$src"
	test_refusal "$src"
	test_bad_mode "$src"
	test_interrupted
	test_reader_gone "$src"
	test_text_and_none "$src"
	fx_pass
}

main "$@"
