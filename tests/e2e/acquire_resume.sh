#!/usr/bin/env bash
# End to end: acquire --resume. The sample disk is served by fx_faultyfs,
# which stops reading at a chosen byte while a file exists (--stall-at:
# the kill point is a byte, not a time) or fails every read past a byte
# with ENXIO (--vanish-at: a pulled device). Raw and split raw runs are
# killed (SIGKILL at about 30% and 70%), interrupted (SIGINT, SIGTERM) or
# lose their source, then resumed: the image must equal the source, pass
# sha256sum -c, and the case database must hold one completed acquisition
# with its resume event from the last checkpoint, its audit chain intact.
# A different source, a completed acquisition, an option given with
# --resume and an image changed since its checkpoint are refused. A
# resume's progress shows its re-read of the image as the phase resuming.
# A stream (standard input) and a run with copies take no checkpoints and
# are never left resumable; their --resume is refused. Before a resume,
# verify says the image is resumable (and does not read it). E01 runs
# (libewf's resume mode) are killed at about 30% and 70% and interrupted
# by SIGINT, then resumed: ewfverify passes with the source's MD5 and
# SHA-1, ewfexport gives the source's bytes; a byte changed in a kept
# segment is refused (exit 1, nothing appended); an E01 run killed before
# its first checkpoint has nothing to resume, and verify says so in one
# line (never a section checksum failure).
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/faultyfs.sh
. "$(dirname "$0")/lib/faultyfs.sh"

readonly MIB=1048576
FX_VERIFY=$FX_BIN/verify

# wait_until DESCRIPTION PID CMD...: until CMD succeeds (PID must live).
wait_until() {
	local what=$1 pid=$2 i
	shift 2
	for ((i = 0; i < 600; i++)); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || fail "acquire ended before $what: $(cat "$FX_ERR")"
		sleep 0.1
	done
	fail "acquire did not reach $what in 60 s"
}

has_bytes() { [[ -f $1 ]] && (($(size_of "$1") >= $2)); }
db() { sqlite3 "$DIR/case.db" "$1"; }
has_checkpoint() { (($(db "SELECT count(*) FROM audit_log WHERE action = 'acquisition.checkpoint'") >= 1)); }
last_checkpoint() {
	db "SELECT json_extract(content, '$.offset') FROM audit_log WHERE action = 'acquisition.checkpoint' ORDER BY seq DESC LIMIT 1"
}

# first_file FORMAT: the image's first file, for T.
first_file() {
	case $1 in
	raw) echo "$T.raw" ;;
	e01) echo "$T.E01" ;;
	*) echo "$T.001" ;;
	esac
}

# image_sha256 FORMAT: SHA-256 of the media the image holds.
image_sha256() {
	case $1 in
	raw) sha256_of "$T.raw" ;;
	e01)
		rm -f "$FX_WORK/.e01x.raw" "$FX_WORK/.e01x.raw.info"
		ewfexport -u -q -f raw -t "$FX_WORK/.e01x" "$T.E01" >/dev/null 2>&1
		sha256_of "$FX_WORK/.e01x.raw"
		rm -f "$FX_WORK/.e01x.raw" "$FX_WORK/.e01x.raw.info"
		;;
	*) cat "$T".0?? | sha256sum | cut -d' ' -f1 ;;
	esac
}

# setup NAME: $DIR, the source served at $DIR/mnt/disk with ARGS, T.
setup() {
	local why name=$1
	shift
	why=$(faultyfs_unavailable)
	[[ -z $why ]] || skip "$why"
	DIR=$(realpath "$FX_WORK")/$name
	mkdir "$DIR"
	T=$DIR/img
	mount_source "$DIR" "$SAMPLE" "$@"
	SRC=$DIR/mnt/disk
}

# format_args FORMAT: the options of a raw or split raw run.
format_args() { [[ $1 == raw ]] && echo "--format raw" || echo "--format raw --segment-size 16M"; }

# check_resumed FORMAT FROM: the resumed image and its records.
check_resumed() {
	local format=$1 from=$2 n
	assert_eq "$SAMPLE_SHA256" "$(image_sha256 "$format")" "$format: the resumed image equals the source"
	assert_eq completed "$(json_get "$FX_OUT" .status)" "$format: --json status"
	assert_eq "$SAMPLE_SHA256" "$(json_get "$FX_OUT" .hashes.sha256)" "$format: --json SHA-256 is the whole media's"
	assert_eq "$SAMPLE_MD5" "$(json_get "$FX_OUT" .hashes.md5)" "$format: --json MD5 is the whole media's"
	assert_eq "$from" "$(json_get "$FX_OUT" .resumed_from)" "$format: --json resumed_from"
	assert_contains "$(json_get "$FX_OUT" .verification)" "passed" "$format: the read-back passed"
	(cd "$DIR" && sha256sum -c --quiet img.sha256) >/dev/null || fail "$format: sha256sum -c img.sha256 fails"
	check_ok
	assert_eq "1|completed|$SIZE" "$(db "SELECT count(*), status, bytes_acquired FROM acquisitions")" \
		"$format: one acquisition, completed, every byte"
	assert_eq "$SAMPLE_SHA256" "$(db "SELECT value FROM hashes WHERE acquisition_id = 1 AND algorithm = 'sha256' AND scope = 'image'")" \
		"$format: the recorded SHA-256 is the whole media's"
	n=$(db "SELECT count(*) FROM audit_log WHERE action = 'acquisition.resume'")
	assert_eq 1 "$n" "$format: one resume event"
	assert_eq "1|$from" "$(db "SELECT json_extract(content, '$.acquisition_id'), json_extract(content, '$.from_byte') FROM audit_log WHERE action = 'acquisition.resume'")" \
		"$format: the resume event names the acquisition and the byte"
	assert_eq "$from" "$(log_value "$T.log" '  From byte' | cut -d' ' -f1)" "$format: the log's resume section"
	assert_exit 0 "$FX_VERIFY" list --db "$DIR/case.db"
	assert_contains "$(stdout_of_last)" " from byte $from by $(db "SELECT actor FROM audit_log WHERE action = 'acquisition.resume'") on " \
		"$format: verify list shows the resume"
	assert_exit 0 "$FX_VERIFY" list --json --db "$DIR/case.db"
	assert_contains "$(stdout_of_last)" "\"from_byte\":$from" "$format: verify list --json shows the resume"
	assert_exit 0 "$FX_VERIFY" audit --db "$DIR/case.db"
	assert_exit 0 "$FX_VERIFY" image "$(first_file "$format")"
}

# verify_says_resumable FORMAT FROM: verify of the interrupted image does
# not read it: one finding, resumable from FROM (exit 4, could not verify).
verify_says_resumable() {
	local format=$1 from=$2
	assert_exit 4 "$FX_VERIFY" image "$(first_file "$format")"
	assert_contains "$(stdout_of_last)" "  - interrupted acquisition, resumable with acquire --resume $T: acquisition 1 holds $from of $SIZE bytes at its last checkpoint (" \
		"$format: verify says the image is resumable"
	assert_eq 1 "$(grep -c '^  - ' "$FX_OUT")" "$format: verify's one finding"
	assert_not_contains "$(stdout_of_last)" "MD5:" "$format: verify does not hash an incomplete image"
}

# killed FORMAT PERCENT: SIGKILL while the reader is stopped at PERCENT of
# the source, then --resume.
test_killed() {
	local format=$1 pct=$2 at pid from out
	at=$((SIZE * pct / 100))
	touch "$FX_WORK/stall-$format-$pct"
	setup "kill-$format-$pct" --stall-at "$at" --stall-file "$FX_WORK/stall-$format-$pct"
	# shellcheck disable=SC2046
	"$FX_ACQUIRE" -q --json $(format_args "$format") --checkpoint 4M "$SRC" "$T" >/dev/null 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "byte $at" "$pid" has_bytes_total "$format" $((at / MIB * MIB))
	wait_until "a checkpoint" "$pid" has_checkpoint
	# the read in progress waits in FUSE: it must return for SIGKILL to act
	kill -9 "$pid"
	rm "$FX_WORK/stall-$format-$pct"
	wait "$pid" 2>/dev/null || true
	from=$(last_checkpoint)
	assert_lt 0 "$from" "$format $pct%: a checkpoint was recorded"
	assert_lt "$from" $((at + 1)) "$format $pct%: the checkpoint is before the kill point"
	assert_eq 0 $((from % MIB)) "$format $pct%: the checkpoint is at a block boundary"
	assert_eq running "$(db "SELECT status FROM acquisitions")" "$format $pct%: the row is left running by SIGKILL"
	verify_says_resumable "$format" "$from"
	assert_exit 0 "$FX_ACQUIRE" --resume --json --progress json "$T"
	# the prefix's re-read is its own phase, then reading from the checkpoint
	out=$(python3 "$CHECK" "$FX_ERR" resuming,reading,verifying,done 0 completed \
		resumed_from="$from" size="$SIZE") ||
		fail "$format $pct%: the resume's progress: $out"$'\n'"$(head -c 3000 "$FX_ERR")"
	check_resumed "$format" "$from"
}

# has_bytes_total FORMAT N: the image's files hold N bytes or more.
has_bytes_total() {
	local total=0 f
	for f in "$T".raw "$T".0??; do
		[[ -f $f ]] && total=$((total + $(size_of "$f")))
	done
	((total >= $2))
}

# signalled FORMAT SIG EXIT: SIGINT/SIGTERM while stopped at half the
# source: the run says so, records its last checkpoint at the bytes it
# holds, and resumes from exactly there.
test_signalled() {
	local format=$1 sig=$2 want=$3 at pid rc=0 bytes
	at=$((SIZE / 2 + 4096))
	touch "$FX_WORK/stall-$sig"
	setup "sig-$sig" --stall-at "$at" --stall-file "$FX_WORK/stall-$sig"
	# shellcheck disable=SC2046
	"$FX_ACQUIRE" -q --json $(format_args "$format") "$SRC" "$T" >"$DIR/int.json" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "half the source" "$pid" has_bytes_total "$format" $((SIZE / 2))
	kill -"$sig" "$pid"
	rm "$FX_WORK/stall-$sig" # the read in progress returns; then the signal is seen
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq "$want" "$rc" "SIG$sig: exit code"
	bytes=$(json_get "$DIR/int.json" .bytes)
	assert_eq interrupted "$(json_get "$DIR/int.json" .status)" "SIG$sig: --json status"
	assert_eq "$bytes" "$(json_get "$DIR/int.json" .resumable_from)" "SIG$sig: --json resumable_from = bytes acquired"
	assert_eq "$bytes" "$(last_checkpoint)" "SIG$sig: the last checkpoint is at the bytes acquired"
	assert_contains "$(cat "$FX_ERR")" "acquire: resumable from byte $bytes: acquire --resume $T" "SIG$sig: stderr says how to resume"
	assert_eq interrupted "$(log_value "$T.log" Status)" "SIG$sig: log Status"
	assert_eq "yes, from byte $bytes: acquire --resume $T (the case database keeps the acquisition open)" \
		"$(log_value "$T.log" Resumable)" "SIG$sig: the log says it is resumable"
	assert_eq running "$(db "SELECT status FROM acquisitions")" "SIG$sig: the row stays open for the resume"
	verify_says_resumable "$format" "$bytes"
	assert_exit 0 "$FX_ACQUIRE" --resume --json "$T"
	check_resumed "$format" "$bytes"
}

# vanished FORMAT: every read past 40 MiB fails with ENXIO (a pulled
# device): exit 4, resumable; the source comes back (mounted again), the
# resume completes it.
test_vanished() {
	local format=$1 bytes rc=0
	setup "vanish-$format" --vanish-at $((40 * MIB))
	# shellcheck disable=SC2046
	"$FX_ACQUIRE" -q --json $(format_args "$format") --checkpoint 8M "$SRC" "$T" >"$DIR/v.json" 2>"$FX_ERR" || rc=$?
	assert_eq 4 "$rc" "vanished: exit code"
	bytes=$(json_get "$DIR/v.json" .bytes)
	assert_eq $((40 * MIB)) "$bytes" "vanished: the bytes before the vanishing point"
	assert_contains "$(json_get "$DIR/v.json" .error)" "vanished at byte $((40 * MIB))" "vanished: --json error"
	assert_eq "$bytes" "$(last_checkpoint)" "vanished: the last checkpoint is at the bytes acquired"
	faultyfs_unmount "$DIR/mnt" "$FS_PID"
	mount_source "$DIR" "$SAMPLE"
	assert_exit 0 "$FX_ACQUIRE" --resume --json "$T"
	check_resumed "$format" "$bytes"
}

# The E01 runs' options: 1 MiB segments, uncompressed, so that libewf has
# written the tables of many segments when a run is killed (a resume keeps
# the chunks up to the last table), 1 MiB blocks and a checkpoint every
# 2 MiB.
E01_ARGS=(--format e01 --compression none --segment-size 1M --block-size 1M --checkpoint 2M)

# checkpoints: the recorded checkpoints' offsets, one a line.
checkpoints() { db "SELECT json_extract(content, '$.offset') FROM audit_log WHERE action = 'acquisition.checkpoint' ORDER BY seq"; }
# e01_segments N: the E01 run has made N segment files or more.
e01_segments() {
	local f n=0
	for f in "$T".E??; do [[ -f $f ]] && n=$((n + 1)); done
	((n >= $1))
}
# e01_near AT: a checkpoint is recorded and the run has made the segments
# of all but the last 2 MiB before AT (31 chunks of media each: the
# stalled read is reported only once it returns, so a checkpoint close to
# AT cannot be waited for).
e01_near() { [[ -s $DIR/case.db ]] && has_checkpoint 2>/dev/null && e01_segments $(($1 / (31 * 32768) - 1)); }
e01_sums() { sha256sum "$T".E?? | sort; }

# e01_killed_at PCT: an E01 run killed (SIGKILL) once it has recorded a
# checkpoint and reached PCT% of the source, where its reader stops.
e01_killed_at() {
	local pct=$1 name=${2:-e01-kill-$1} at pid
	at=$((SIZE * pct / 100))
	touch "$FX_WORK/stall-$name"
	setup "$name" --stall-at "$at" --stall-file "$FX_WORK/stall-$name"
	"$FX_ACQUIRE" -q "${E01_ARGS[@]}" "$SRC" "$T" >/dev/null 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "a checkpoint and byte $at" "$pid" e01_near "$at"
	kill -9 "$pid"
	rm "$FX_WORK/stall-$name"
	wait "$pid" 2>/dev/null || true
	assert_eq "running|0" "$(db "SELECT status, (SELECT count(*) FROM image_files) FROM acquisitions")" \
		"E01 SIGKILL $pct%: the row is left running, no file recorded"
}

# e01_resumed FROM_MAX: the resume (done, --json in FX_OUT) went on from a
# recorded checkpoint at or below FROM_MAX; the image is the source's.
e01_resumed() {
	local newest=$1 from out
	from=$(json_get "$FX_OUT" .resumed_from)
	assert_lt 0 "$from" "E01: resumed from a checkpoint"
	assert_lt "$from" $((newest + 1)) "E01: resumed at or below the newest checkpoint"
	checkpoints | grep -qx "$from" || fail "E01: resumed from $from, which is no recorded checkpoint: $(checkpoints | tr '\n' ' ')"
	check_ok
	check_resumed e01 "$from"
	# libewf refuses hashes on a handle in its resume mode: none stored
	out=$(ewfverify -q -d sha1 "$T.E01" 2>&1) || fail "ewfverify rejects the resumed $T.E01:"$'\n'"$out"
	assert_eq "ewfverify: SUCCESS" "$(printf '%s\n' "$out" | awk 'NF { l = $0 } END { print l }')" "E01: ewfverify's verdict"
	assert_eq "$SAMPLE_MD5" "$(ewf_field "$out" 'MD5 hash calculated over data')" "E01: ewfverify's MD5 of the data"
	assert_eq "$SAMPLE_SHA1" "$(ewf_field "$out" 'SHA1 hash calculated over data')" "E01: ewfverify's SHA-1 of the data"
	assert_eq "N/A" "$(ewf_field "$out" 'MD5 hash stored in file')" "E01: no MD5 stored by a resume"
	assert_ewfexport_equals "$T.E01" "$SAMPLE"
	assert_contains "$(cat "$T.log")" "  E01 kept by libewf:   first " "E01: the log says what libewf kept"
}

# e01_killed PERCENT: SIGKILL at PERCENT% of an E01 acquisition; verify
# says it is resumable (one line, never a section checksum failure); the
# resume completes it.
test_e01_killed() {
	local pct=$1 newest
	e01_killed_at "$pct"
	newest=$(last_checkpoint)
	verify_says_resumable e01 "$newest"
	assert_not_contains "$(stdout_of_last)$(stderr_of_last)" "checksum" "E01 SIGKILL $pct%: no checksum failure"
	assert_exit 0 "$FX_ACQUIRE" --resume --json "$T"
	e01_resumed "$newest"
}

# e01 SIG EXIT: an E01 run stopped by SIGINT/SIGTERM at half the source,
# then resumed.
test_e01_signalled() {
	local sig=$1 want=$2 pid rc=0 newest
	touch "$FX_WORK/stall-e01-$sig"
	setup "e01-$sig" --stall-at $((SIZE / 2)) --stall-file "$FX_WORK/stall-e01-$sig"
	"$FX_ACQUIRE" -q --json "${E01_ARGS[@]}" "$SRC" "$T" >"$DIR/int.json" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "a checkpoint and half the source" "$pid" e01_near $((SIZE / 2))
	kill -"$sig" "$pid"
	rm "$FX_WORK/stall-e01-$sig"
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq "$want" "$rc" "E01 SIG$sig: exit code"
	assert_eq interrupted "$(json_get "$DIR/int.json" .status)" "E01 SIG$sig: --json status"
	newest=$(last_checkpoint)
	assert_eq "$newest" "$(json_get "$DIR/int.json" .resumable_from)" "E01 SIG$sig: --json resumable_from"
	assert_contains "$(cat "$FX_ERR")" "acquire: resumable from byte $newest: acquire --resume $T" "E01 SIG$sig: stderr says how to resume"
	assert_eq running "$(db "SELECT status FROM acquisitions")" "E01 SIG$sig: the row stays open for the resume"
	verify_says_resumable e01 "$newest"
	assert_exit 0 "$FX_ACQUIRE" --resume --json "$T"
	e01_resumed "$newest"
}

# e01 vanished: every read past 40 MiB fails with ENXIO during an E01
# run: exit 4, resumable at the bytes acquired; the source comes back and
# the resume completes the set.
test_e01_vanished() {
	local bytes rc=0 newest
	setup vanish-e01 --vanish-at $((40 * MIB))
	"$FX_ACQUIRE" -q --json "${E01_ARGS[@]}" "$SRC" "$T" >"$DIR/v.json" 2>"$FX_ERR" || rc=$?
	assert_eq 4 "$rc" "E01 vanished: exit code"
	bytes=$(json_get "$DIR/v.json" .bytes)
	assert_eq $((40 * MIB)) "$bytes" "E01 vanished: the bytes before the vanishing point"
	assert_contains "$(json_get "$DIR/v.json" .error)" "vanished at byte $((40 * MIB))" "E01 vanished: --json error"
	newest=$(last_checkpoint)
	assert_eq "$bytes" "$newest" "E01 vanished: the last checkpoint is at the bytes acquired"
	verify_says_resumable e01 "$newest"
	faultyfs_unmount "$DIR/mnt" "$FS_PID"
	mount_source "$DIR" "$SAMPLE"
	assert_exit 0 "$FX_ACQUIRE" --resume --json "$T"
	e01_resumed "$newest"
}

# A byte of a kept E01 segment changed after the kill: the resume refuses
# (exit 1), appends nothing and records the acquisition failed; a
# completed E01 acquisition has nothing to resume.
test_e01_changed() {
	local before size
	e01_killed_at 70 e01-changed
	size=$(size_of "$T.E01")
	printf 'Z' | dd of="$T.E01" bs=1 seek=$((size / 2)) conv=notrunc status=none
	before=$(e01_sums)
	assert_exit 1 "$FX_ACQUIRE" --resume --json "$T"
	assert_contains "$(stderr_of_last)" "the image is not what was recorded; nothing was appended" \
		"a changed E01 segment: stderr"
	assert_eq "$before" "$(e01_sums)" "a changed E01 segment: nothing appended"
	assert_eq failed "$(db "SELECT status FROM acquisitions")" "a changed E01 segment: recorded failed"
	assert_exit 0 "$FX_ACQUIRE" -q --format e01 "$SRC" "$DIR/done"
	assert_exit 2 "$FX_ACQUIRE" --resume "$DIR/done"
	assert_eq "acquire: --resume: acquisition 2 of $DIR/done is completed; nothing to resume" "$(stderr_of_last)" \
		"a completed E01 acquisition is refused"
	assert_exit 0 "$FX_VERIFY" audit --db "$DIR/case.db"
}

# An E01 run killed before its first checkpoint: verify says it was
# interrupted with no checkpoint; its --resume finds nothing.
test_e01_no_checkpoint() {
	local pid
	touch "$FX_WORK/stall-e01-early"
	setup e01-early --stall-at $((3 * MIB)) --stall-file "$FX_WORK/stall-e01-early"
	"$FX_ACQUIRE" -q --format e01 --segment-size 1M --block-size 1M "$SRC" "$T" >/dev/null 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "its first segment" "$pid" test -s "$T.E01"
	sleep 1
	kill -9 "$pid"
	rm "$FX_WORK/stall-e01-early"
	wait "$pid" 2>/dev/null || true
	assert_exit 4 "$FX_VERIFY" image "$T.E01"
	assert_contains "$(stdout_of_last)" "
  - interrupted acquisition: acquisition 1 stopped before its end (interrupted (never finished): process $pid on host $(hostname) is gone) and recorded no checkpoint to resume from: the image is incomplete; acquire it anew
" "E01 without a checkpoint: verify's line"
	assert_not_contains "$(stdout_of_last)$(stderr_of_last)" "checksum" "E01 without a checkpoint: no checksum failure"
	assert_exit 2 "$FX_ACQUIRE" --resume "$T"
	assert_eq "acquire: --resume: $T has no checkpoint of an unfinished acquisition in $DIR/case.db; nothing to resume" \
		"$(stderr_of_last)" "E01 without a checkpoint: nothing to resume"
	assert_exit 0 "$FX_VERIFY" audit --db "$DIR/case.db"
}

# A resume against another source of the same size is refused, naming
# what differs; nothing is written.
test_other_source() {
	local other before
	touch "$FX_WORK/stall-other"
	setup other --stall-at $((SIZE / 2)) --stall-file "$FX_WORK/stall-other"
	"$FX_ACQUIRE" -q --format raw "$SRC" "$T" >/dev/null 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "half the source" "$pid" has_bytes_total raw $((SIZE / 2 - MIB))
	kill -INT "$pid"
	rm "$FX_WORK/stall-other"
	wait "$pid" 2>/dev/null || true
	other=$FX_WORK/other.img
	cp "$SAMPLE" "$other"
	printf 'X' | dd of="$other" bs=1 seek=100 conv=notrunc status=none
	faultyfs_unmount "$DIR/mnt" "$FS_PID"
	mount_source "$DIR" "$other"
	before=$(sha256_of "$T.raw")
	assert_exit 2 "$FX_ACQUIRE" --resume "$T"
	assert_eq "acquire: --resume: source $SRC is not the source of acquisition 1: the SHA-256 of its first MiB is $(head -c $MIB "$other" | sha256sum | cut -d' ' -f1), recorded $(head -c $MIB "$SAMPLE" | sha256sum | cut -d' ' -f1)" \
		"$(stderr_of_last)" "another source: the refusal names what differs"
	assert_eq "$before" "$(sha256_of "$T.raw")" "another source: the image is untouched"
	assert_eq 0 "$(db "SELECT count(*) FROM audit_log WHERE action = 'acquisition.resume'")" "another source: no resume recorded"
}

# A completed acquisition, an option with --resume, an image changed since
# its checkpoint.
test_refusals() {
	local from
	touch "$FX_WORK/stall-ref"
	setup refusals --stall-at $((SIZE / 2)) --stall-file "$FX_WORK/stall-ref"
	assert_exit 2 "$FX_ACQUIRE" --resume --format raw "$T"
	assert_eq "acquire: --resume: --format cannot be given: the source, the format and every option come from the record of the acquisition" \
		"$(stderr_of_last)" "an option with --resume is refused by name"
	assert_exit 2 "$FX_ACQUIRE" --resume "$T"
	assert_eq "acquire: --resume: no case database $DIR/case.db (give the acquisition's with --db)" "$(stderr_of_last)" \
		"no database: refused"
	assert_missing "$DIR/case.db" "no database: none created"
	"$FX_ACQUIRE" -q --format raw --checkpoint 4M "$SRC" "$T" >/dev/null 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "half the source" "$pid" has_bytes_total raw $((SIZE / 2 - MIB))
	wait_until "a checkpoint" "$pid" has_checkpoint
	kill -9 "$pid"
	rm "$FX_WORK/stall-ref"
	wait "$pid" 2>/dev/null || true
	from=$(last_checkpoint)
	# another process resuming it (holding the lock on the log): refused
	assert_exit 2 flock -x "$T.log" "$FX_ACQUIRE" --resume "$T"
	assert_eq "acquire: --resume: acquisition of $T is being resumed by another process ($T.log is locked)" \
		"$(stderr_of_last)" "a second resume at once is refused"
	assert_eq "$from" "$(last_checkpoint)" "a second resume at once: nothing recorded"
	# one byte of the prefix changed on storage: exit 1, nothing appended
	cp "$T.raw" "$DIR/saved.raw"
	printf 'Z' | dd of="$T.raw" bs=1 seek=4096 conv=notrunc status=none
	assert_exit 1 "$FX_ACQUIRE" --resume --json "$T"
	assert_contains "$(stderr_of_last)" "the image's first $from bytes, re-read from storage, have md5 " "a changed prefix: stderr"
	assert_contains "$(stderr_of_last)" "the image is not what was recorded; nothing was appended" "a changed prefix: stderr says nothing was appended"
	assert_eq "$from" "$(size_of "$T.raw")" "a changed prefix: the image ends at the checkpoint"
	assert_eq failed "$(db "SELECT status FROM acquisitions")" "a changed prefix: recorded failed"
	assert_exit 2 "$FX_ACQUIRE" --resume "$T"
	assert_eq "acquire: --resume: acquisition 1 of $T is failed; nothing to resume" "$(stderr_of_last)" \
		"a finished acquisition is not resumed"
	# a completed one
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --checkpoint 4M "$SRC" "$DIR/done"
	assert_exit 2 "$FX_ACQUIRE" --resume "$DIR/done.raw"
	assert_eq "acquire: --resume: acquisition 2 of $DIR/done is completed; nothing to resume" "$(stderr_of_last)" \
		"a completed acquisition is refused"
	assert_exit 0 "$FX_VERIFY" audit --db "$DIR/case.db"
}

# interrupted_unresumable NAME ARGS...: a run of ARGS (a stream, or one
# with copies) stopped by SIGINT at half the source: it takes no
# checkpoint and is not left resumable (interrupted, as before resumes
# existed); its --resume is refused with the line of ERROR (exit 2).
interrupted_unresumable() {
	local name=$1 error=$2 pid rc=0
	shift 2
	"$@" >"$DIR/int.json" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_until "half the source" "$pid" has_bytes_total raw $((SIZE / 2 - MIB))
	kill -INT "$pid"
	rm "$FX_WORK/stall-$name"
	wait "$pid" 2>/dev/null || rc=$?
	assert_eq 130 "$rc" "$name: SIGINT's exit code"
	assert_eq interrupted "$(json_get "$DIR/int.json" .status)" "$name: --json status"
	assert_eq null "$(json_get "$DIR/int.json" .resumable_from)" "$name: not resumable (--json)"
	assert_eq 0 "$(json_get "$DIR/int.json" .checkpoints)" "$name: no checkpoint (--json)"
	assert_not_contains "$(cat "$FX_ERR")" "resumable from byte" "$name: stderr does not offer a resume"
	assert_eq 0 "$(db "SELECT count(*) FROM audit_log WHERE action = 'acquisition.checkpoint'")" \
		"$name: no checkpoint recorded"
	assert_eq interrupted "$(db "SELECT status FROM acquisitions")" "$name: recorded interrupted, not left open"
	assert_exit 2 "$FX_ACQUIRE" --resume "$T"
	assert_eq "acquire: --resume: acquisition 1 of $T $error" "$(stderr_of_last)" \
		"$name: its --resume is refused"
	assert_eq 0 "$(db "SELECT count(*) FROM audit_log WHERE action = 'acquisition.resume'")" \
		"$name: no resume recorded"
	assert_exit 0 "$FX_VERIFY" audit --db "$DIR/case.db"
}

# Standard input (a pipe cannot be read again): never resumable.
test_stream() {
	touch "$FX_WORK/stall-stream"
	setup stream --stall-at $((SIZE / 2)) --stall-file "$FX_WORK/stall-stream"
	# shellcheck disable=SC2016
	interrupted_unresumable stream \
		"read a stream (standard input or --from-stream): a stream cannot be read again, so it is never resumed; acquire it anew" \
		bash -c 'exec "$1" -q --json --format raw --checkpoint 4M - "$2" <"$3"' _ "$FX_ACQUIRE" "$T" "$SRC"
}

# A run with copies (a resume would reopen TARGET only): never resumable.
test_copies() {
	touch "$FX_WORK/stall-copies"
	setup copies --stall-at $((SIZE / 2)) --stall-file "$FX_WORK/stall-copies"
	interrupted_unresumable copies \
		"wrote copies (--copy): a run with copies is never resumed (a resume reopens one image); acquire it anew" \
		"$FX_ACQUIRE" -q --json --format raw --checkpoint 4M --copy "$DIR/copy" "$SRC" "$T"
}

main() {
	need_tool sqlite3 sha256sum md5sum sha1sum dd flock python3 ewfverify ewfexport
	fx_begin
	CHECK=$FX_ROOT/tests/e2e/lib/check_progress.py
	SAMPLE=$(sample_disk)
	SIZE=$(size_of "$SAMPLE")
	SAMPLE_SHA256=$(sha256_of "$SAMPLE")
	SAMPLE_MD5=$(md5sum <"$SAMPLE" | cut -d' ' -f1)
	SAMPLE_SHA1=$(sha1sum <"$SAMPLE" | cut -d' ' -f1)
	run_part "SIGKILL at 30%, raw" test_killed raw 30
	run_part "SIGKILL at 70%, raw" test_killed raw 70
	run_part "SIGKILL at 30%, split raw" test_killed split 30
	run_part "SIGKILL at 70%, split raw" test_killed split 70
	run_part "SIGINT, raw" test_signalled raw INT 130
	run_part "SIGTERM, split raw" test_signalled split TERM 143
	run_part "vanished source, raw" test_vanished raw
	run_part "vanished source, split raw" test_vanished split
	run_part "SIGKILL at 30%, E01" test_e01_killed 30
	run_part "SIGKILL at 70%, E01" test_e01_killed 70
	run_part "SIGINT, E01" test_e01_signalled INT 130
	run_part "SIGTERM, E01" test_e01_signalled TERM 143
	run_part "vanished source, E01" test_e01_vanished
	run_part "E01: a changed segment is refused" test_e01_changed
	run_part "E01 killed before a checkpoint" test_e01_no_checkpoint
	run_part "another source" test_other_source
	run_part "refusals" test_refusals
	run_part "a stream is not resumable" test_stream
	run_part "a run with copies is not resumable" test_copies
	parts_verdict
	fx_pass
}

main "$@"
