#!/usr/bin/env bash
# End to end, every image format at once (raw, split raw, E01): no evidence
# file is ever overwritten and no link is ever followed.
#  - before the run: a symbolic link at a name the set will reach (for E01
#    with 1 MiB segments of an 800 MiB source, .FAA, the 776th segment) is
#    refused with exit 2 naming it, before anything is written;
#  - during the run: a link to another file planted at a segment the writer
#    has not reached yet (acquire held with SIGSTOP) fails the run with
#    exit 4 naming it; the link and its target are untouched, and the log
#    and case database record the failure;
#  - E01 stores whole sectors: a source of 1000 or 1048676 bytes is refused
#    (exit 2, nothing written), while raw keeps every byte of it.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

MIB=1048576

# expect_listing DIR NAME...: DIR holds exactly these names.
expect_listing() {
	local dir=$1 want=""
	shift
	(($# == 0)) || want=$(printf '%s\n' "$@" | LC_ALL=C sort)
	assert_eq "$want" "$(find "$dir" -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort)" \
		"contents of $dir"
}

# A link planted before the run at PLANT (a name of the set): refused.
refused_before() {
	local src=$1 plant=$2 dir
	shift 2
	dir=$(mktemp -d "$FX_WORK/before.XXXXXX")
	printf 'keep' >"$dir/victim"
	ln -s "$dir/victim" "$dir/$plant"
	assert_exit 2 "$FX_ACQUIRE" -q "$@" "$src" "$dir/t"
	assert_eq "acquire: refusing to overwrite existing file $dir/$plant (a symbolic link, never followed)" \
		"$(stderr_of_last)" "$plant: the refusal names the link"
	assert_eq keep "$(cat "$dir/victim")" "$plant: the link's target is unchanged"
	assert_eq "$dir/victim" "$(readlink "$dir/$plant")" "$plant: the link is unchanged"
	expect_listing "$dir" victim "$plant"
}

test_before() {
	local big=$FX_WORK/big.img src
	src=$(sample_disk)
	truncate -s $((800 * MIB)) "$big"
	refused_before "$src" t.raw --format raw
	refused_before "$src" t.003 --format raw --segment-size 1M
	refused_before "$src" t.E03 --segment-size 1M
	# .FAA is segment 776: the set of 800 MiB in 1 MiB segments reaches it
	refused_before "$big" t.FAA --segment-size 1M --compression none
	refused_before "$big" t.FAA --format e01 --segment-size 1M
}

# wait_for FILE: until FILE exists (at most 60 s).
wait_for() {
	local i
	for ((i = 0; i < 6000; i++)); do
		[[ -e $1 ]] && return 0
		sleep 0.01
	done
	fail "$1 never appeared"
}

# A link planted at PLANT while acquire runs, before the writer gets there.
planted_during() {
	local src=$1 first=$2 plant=$3 dir pid rc=0
	shift 3
	dir=$(mktemp -d "$FX_WORK/during.XXXXXX")
	printf 'keep' >"$dir/victim"
	"$FX_ACQUIRE" -q --json --no-verify --segment-size 1M "$@" "$src" "$dir/t" \
		>"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_for "$dir/$first"
	kill -STOP "$pid"
	ln -s "$dir/victim" "$dir/$plant"
	kill -CONT "$pid"
	wait "$pid" || rc=$?
	assert_eq 4 "$rc" "$plant: exit code when a segment's name is taken during the run"
	assert_contains "$(stderr_of_last)" "acquire: failed: refusing to overwrite existing file $dir/$plant" \
		"$plant: the failure names the file"
	assert_eq 1 "$(wc -l <"$FX_ERR")" "$plant: one line on stderr"
	assert_eq keep "$(cat "$dir/victim")" "$plant: the link's target is unchanged"
	assert_eq "$dir/victim" "$(readlink "$dir/$plant")" "$plant: the link is unchanged"
	assert_eq failed "$(json_get "$FX_OUT" .status)" "$plant: --json status"
	assert_eq failed "$(log_value "$dir/t.log" Status)" "$plant: log Status"
	assert_eq failed "$(sqlite3 "$dir/case.db" 'SELECT status FROM acquisitions')" \
		"$plant: the case database records the failure"
	assert_missing "$dir/t.sha256"
	# every image file is a regular read-only file of ours
	local f
	for f in "$dir"/t.[0-9E]*; do
		[[ $f == "$dir/$plant" ]] && continue
		[[ -f $f && ! -L $f ]] || fail "$f is not a regular file"
		assert_eq 444 "$(stat -c %a "$f")" "$f is read-only"
	done
}

test_during() {
	local src
	src=$(sample_disk)
	planted_during "$src" t.002 t.060 --format raw
	planted_during "$src" t.E02 t.E60 --compression none
}

# E01 stores whole sectors; raw keeps every byte.
partial_sector() {
	local bytes=$1 lost=$2 dir src
	dir=$(mktemp -d "$FX_WORK/partial.XXXXXX")
	src=$FX_WORK/src-$bytes
	head -c "$bytes" /dev/urandom >"$src"
	assert_exit 2 "$FX_ACQUIRE" -q "$src" "$dir/t"
	assert_eq "acquire: source $src: E01 stores whole 512-byte sectors, and $bytes bytes is not a multiple of 512: its last $lost bytes would be lost (--format raw keeps every byte)" \
		"$(stderr_of_last)" "$bytes bytes to E01: refused, saying why"
	expect_listing "$dir"
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw "$src" "$dir/t"
	assert_eq "$bytes" "$(size_of "$dir/t.raw")" "$bytes bytes to raw: every byte"
	assert_eq "$(sha256_of "$src")" "$(sha256_of "$dir/t.raw")" "$bytes bytes to raw: bit-exact"
	assert_eq "$bytes" "$(json_get "$FX_OUT" .bytes)" "$bytes bytes to raw: --json bytes"
	assert_eq completed "$(json_get "$FX_OUT" .status)" "$bytes bytes to raw: completed"
	assert_exit 0 "$FX_BIN/verify" -q "$dir/t.raw"
}

test_partial_sector() {
	partial_sector 1000 488
	partial_sector 1048676 100
}

# The take-over of E01 file creation whatever the target's spelling
# (libewf makes it absolute): relative, with "..", through a directory link.
test_spellings() {
	local src dir t
	src=$(sample_disk)
	dir=$(mktemp -d "$FX_WORK/spell.XXXXXX")
	mkdir "$dir/sub"
	ln -s sub "$dir/via"
	for t in rel sub/../dots via/linked; do
		(cd "$dir" && "$FX_ACQUIRE" -q --no-verify --compression none --segment-size 16M "$src" "$t") ||
			fail "acquire to $t failed: $?"
		check_ok
	done
	assert_eq "444 444 444 444" "$(stat -c %a "$dir"/rel.E0[1-4] | xargs)" "relative target: our read-only segments"
	assert_eq "444 444 444 444" "$(stat -c %a "$dir"/dots.E0[1-4] | xargs)" "target with ..: our read-only segments"
	assert_eq "444 444 444 444" "$(stat -c %a "$dir"/sub/linked.E0[1-4] | xargs)" "target through a directory link"
	assert_exit 0 ewfverify -q "$dir/sub/linked.E01"
}

# The case database's files are never opened through a link either
# (SQLite opens the database, -wal, -shm and -journal O_NOFOLLOW): the run
# fails before reading, and the link's target is untouched.
test_database_links() {
	local src dir
	src=$(sample_disk)
	mkdir -p "$FX_WORK/spell-real"
	ln -sfn spell-real "$FX_WORK/spell-link"
	# an empty file at the end of the link would become a case database
	dir=$(mktemp -d "$FX_WORK/dblink.XXXXXX")
	: >"$dir/victim"
	ln -s "$dir/victim" "$dir/case.db"
	assert_exit 4 "$FX_ACQUIRE" -q "$src" "$dir/t"
	assert_eq "acquire: case database: case database $dir/case.db is a symbolic link (never followed)" \
		"$(stderr_of_last)" "case.db: refused, naming the link"
	assert_eq 0 "$(size_of "$dir/victim")" "case.db: the link's target is still empty"
	expect_listing "$dir" victim case.db
	# a -wal left without its database is removed by SQLite, never
	# written through: the run goes on
	dir=$(mktemp -d "$FX_WORK/dblink.XXXXXX")
	printf 'keep' >"$dir/victim"
	ln -s "$dir/victim" "$dir/case.db-wal"
	assert_exit 0 "$FX_ACQUIRE" -q "$src" "$dir/t"
	assert_eq keep "$(cat "$dir/victim")" "case.db-wal: the link's target is unchanged"
	# a -shm link cannot be opened (O_NOFOLLOW): the database fails
	dir=$(mktemp -d "$FX_WORK/dblink.XXXXXX")
	printf 'keep' >"$dir/victim"
	ln -s "$dir/victim" "$dir/case.db-shm"
	assert_exit 4 "$FX_ACQUIRE" -q "$src" "$dir/t"
	assert_contains "$(stderr_of_last)" "acquire: case database" "case.db-shm: the database is named"
	assert_eq keep "$(cat "$dir/victim")" "case.db-shm: the link's target is unchanged"
	assert_missing "$dir/t.log"
	# a directory link on the way is no link at the database's name
	assert_exit 0 "$FX_ACQUIRE" -q --db "$FX_WORK/spell-link/case.db" "$src" "$dir/u"
}

# The destination directory renamed and replaced by a link to another one
# while the run goes on (acquire held with SIGSTOP): libewf would follow
# the new path; the run fails naming the change, nothing is written in the
# other directory, and the link planted there is left alone.
test_directory_replaced() {
	local src dir pid rc=0 f
	src=$(sample_disk)
	dir=$(mktemp -d "$FX_WORK/swap.XXXXXX")
	mkdir "$dir/d" "$dir/elsewhere"
	printf 'keep' >"$dir/victim"
	ln -s ../victim "$dir/elsewhere/t.E60"
	"$FX_ACQUIRE" -q --no-verify --segment-size 1M --compression none "$src" "$dir/d/t" \
		>"$FX_OUT" 2>"$FX_ERR" &
	pid=$!
	defer stop_acquire "$pid"
	wait_for "$dir/d/t.E02"
	kill -STOP "$pid"
	mv "$dir/d" "$dir/d.old"
	ln -s elsewhere "$dir/d"
	kill -CONT "$pid"
	wait "$pid" || rc=$?
	assert_eq 4 "$rc" "exit code when the destination directory is replaced"
	assert_contains "$(stderr_of_last)" "but the directory of $dir/d/t is no longer the one the image was started in (renamed or replaced during the run)" \
		"the failure says the directory changed"
	assert_eq keep "$(cat "$dir/victim")" "the planted link's target is unchanged"
	expect_listing "$dir/elsewhere" t.E60
	for f in "$dir"/d.old/t.E*; do
		[[ -f $f && ! -L $f ]] || fail "$f is not a regular file"
		assert_eq 444 "$(stat -c %a "$f")" "$f is sealed read-only"
	done
	assert_eq failed "$(log_value "$dir/d.old/t.log" Status)" "log Status"
}

# A set of more segments than the process may hold descriptors, past E99
# (EAA...): written, read back and verified under `ulimit -n 32` (a
# descriptor is kept only while libewf has its segment open; readers keep
# at most 16), and ewfverify reads the same set.
test_descriptor_limit() {
	local src dir
	dir=$(mktemp -d "$FX_WORK/fds.XXXXXX")
	src=$dir/src
	truncate -s 112M "$src"
	assert_exit 0 bash -c 'ulimit -n 32 && exec "$@"' acquire "$FX_ACQUIRE" -q \
		--segment-size 1M --compression none "$src" "$dir/t"
	assert_eq "116 $dir/t.EAQ" "$(find "$dir" -name 't.E*' | wc -l) $(find "$dir" -name 't.E*' | sort | tail -n 1)" \
		"116 segments, the last t.EAQ"
	assert_exit 0 bash -c 'ulimit -n 32 && exec "$@"' verify "$FX_BIN/verify" -q "$dir/t.E01"
	assert_exit 0 ewfverify -q "$dir/t.E01"
}

# As a user without privileges (root passes permission checks, so the
# segments' modes are tested for real only here): written, sealed 0444.
test_unprivileged() {
	local src dir
	if [[ $(id -u) != 0 ]] || ! have_tool setpriv; then
		skip_part "unprivileged run: needs root and setpriv to become nobody"
		return 0
	fi
	src=$(sample_disk)
	dir=$(mktemp -d /tmp/fx-nobody.XXXXXX)
	defer rm -rf "$dir"
	chmod 755 "$dir"
	cp "$src" "$dir/src.img"
	chmod 644 "$dir/src.img"
	mkdir "$dir/out"
	chown 65534:65534 "$dir/out"
	assert_exit 0 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$FX_ACQUIRE" -q --segment-size 16M --compression none "$dir/src.img" "$dir/out/t"
	assert_eq "444 444 444 444 444" "$(stat -c %a "$dir"/out/t.E0[1-5] | xargs)" \
		"an unprivileged run's segments are sealed 0444"
	assert_exit 0 ewfverify -q "$dir/out/t.E01"
}

# The last sections of an E01 do not fit (a file-size limit 8 KiB short of
# the finished image, so every chunk is written and finalizing fails): the
# run fails naming the segment and the byte, and the log, --json and the
# case database still list the segment with its real size and SHA-256.
test_finalize_fails() {
	local src dir full limit sha
	src=$(sample_disk)
	dir=$(mktemp -d "$FX_WORK/final.XXXXXX")
	assert_exit 0 "$FX_ACQUIRE" -q --no-verify --compression none "$src" "$dir/whole"
	full=$(size_of "$dir/whole.E01")
	limit=$(((full - 8192) / 1024))
	mkdir "$dir/short"
	assert_exit 4 bash -c 'ulimit -f "$1" && shift && exec "$@"' acquire "$limit" \
		"$FX_ACQUIRE" -q --json --no-verify --compression none "$src" "$dir/short/t"
	sha=$(sha256_of "$dir/short/t.E01")
	assert_eq "acquire: failed: cannot write E01 segment $dir/short/t.E01 at byte $((limit * 1024)): File too large (67108864 of 67108864 bytes acquired; log $dir/short/t.log)" \
		"$(stderr_of_last)" "the cause, the segment and the byte are named"
	assert_eq "$dir/short/t.E01 $((limit * 1024)) $sha" \
		"$(json_get "$FX_OUT" '.files[0].path') $(json_get "$FX_OUT" '.files[0].size') $(json_get "$FX_OUT" '.files[0].sha256')" \
		"--json lists the segment as it is"
	assert_eq "$dir/short/t.E01|$((limit * 1024))|$sha" \
		"$(sqlite3 "$dir/short/case.db" 'SELECT path, size_bytes, sha256 FROM image_files')" \
		"the case database lists the segment as it is"
	assert_eq failed "$(log_value "$dir/short/t.log" Status)" "log Status"
	assert_missing "$dir/short/t.sha256"
}

main() {
	need_tool sqlite3 ewfverify
	fx_begin
	run_part "planted before the run" test_before
	run_part "planted during the run" test_during
	run_part "partial last sector" test_partial_sector
	run_part "target spellings" test_spellings
	run_part "case database links" test_database_links
	run_part "directory replaced during the run" test_directory_replaced
	run_part "descriptor limit" test_descriptor_limit
	run_part "unprivileged user" test_unprivileged
	run_part "finalizing fails" test_finalize_fails
	parts_verdict
	fx_pass
}
main "$@"
