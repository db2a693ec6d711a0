#!/usr/bin/env bash
# bench.sh [SECTION...] — throughput benchmark of acquire (not a test; ctest
# does not run it).
#
# Input: a mixed 1 GiB image (FX_BENCH_SIZE), generated once and cached in $BENCH_DIR
# (default /tmp/fx-bench): a third deterministic random bytes (AES-CTR
# keystream), a third zeros, a third generated text. It is read into the
# page cache before each tool's runs, so the source is not what is measured.
#
# Each tool runs $BENCH_RUNS times (default 3) writing into $BENCH_DIR; its
# outputs are removed between runs. Reported: the MEDIAN wall time of the
# runs (all runs are listed too), MB/s (MB = 10^6 bytes) of source bytes,
# and the peak RSS (max over the runs) from /usr/bin/time -v.
#
# Sections (default: all that exist):
#   raw   acquire --format raw --hash md5,sha1,sha256 --no-verify -q
#         vs dc3dd hash=md5 hash=sha1 hash=sha256. acquire fdatasyncs its
#         image before it reports; dc3dd does not, so its run is followed by
#         `sync FILE` inside the timed command, to compare the same work.
#         Also: the single-core MD5 ceiling (openssl speed -evp md5), which
#         bounds any raw acquisition that computes MD5 (see DESIGN.md); the
#         CPU ceiling of all three hashes on this machine's cores; and dd
#         (copy + fdatasync, no hashing) as the floor the storage sets.
#         E01 (issue 3): acquire --format e01 --compression fast --no-verify
#         vs ewfacquire -u -f encase6 -c fast -d sha1,sha256 (+sync); also
#         --compression empty and none, and fast with the default --verify
#         (write, then read back from storage: media re-hashed, segment
#         files SHA-256'd). Targets on 2 cores: 5x ewfacquire, 75% of the
#         MD5 ceiling, output at most 1.02x ewfacquire's, RSS < 256 MiB.
#   verify  verify (MD5, SHA-1, SHA-256, every reference, recorded) on the
#         E01 of the image vs `ewfverify -d sha1,sha256` (MD5, SHA-1,
#         SHA-256, single-threaded), and on a raw copy vs md5sum, sha1sum
#         and sha256sum one after the other. The E01 and the raw copy are
#         made once by acquire (cached in $BENCH_DIR/verify) and page-cached
#         before the runs. Targets on 2 cores: E01 at least 2x ewfverify;
#         raw at least 85% of the single-core MD5 ceiling. Also verify
#         --threads 1 (one decompression worker) as the single-worker figure.
#   files  cost per image file (issue 10: verify and verify audit were
#         quadratic in the files of an acquisition). For N = 1024, 4096 and
#         16384 ($BENCH_FILES): a sparse source of N MiB is acquired as split
#         raw with --segment-size 1M (the minimum), so N files come from a
#         real acquisition (--hash sha256 --no-verify, to keep it cheap;
#         the set is removed after its runs); then, $BENCH_RUNS times, each
#         from a copy of the case database as acquire left it: verify
#         --hash sha256 (media and every file hashed, the verification
#         recorded), then verify audit on the database as one verify left
#         it (the chain holds the file rows and that verification's
#         findings, both linear in files). Reported: seconds per 1000 files at
#         each N, and the growth from the smallest N to the largest: about
#         1 when the cost is linear in files (4 for 4x the files would be
#         quadratic). The source, and so the bytes hashed, grow with N too:
#         a constant s/1000 files includes hashing 1 GiB.
#   vdisk  virtual disks as sources (issue 13): the image converted once by
#         qemu-img to a monolithic sparse VMDK and a QCOW2 (cached in
#         $BENCH_DIR/vdisk), each acquired with acquire --source-format
#         --format raw --hash sha256 --no-verify vs `qemu-img convert -S 0
#         -O raw` + `sync` + `sha256sum` of the result: the same work (the
#         guest's disk written whole, fdatasync'ed, its SHA-256). Before
#         each run the container's cached pages are dropped (dd
#         iflag=nocache), as acquire hashes the container files from
#         storage by design. Reported: MB/s of guest disk bytes and the
#         ratio acquire / qemu-img+sha256sum per format.
#   copies  acquire --copy (issue 12): the image written to two targets from
#         one read against one target. Raw: acquire --format raw --no-verify
#         with and without --copy (a second .raw in another directory of
#         $BENCH_DIR); E01 master + raw working copy against the E01 alone.
#         Also the storage's own figures for the same bytes: dd to one file
#         and tee to two files (each fdatasync'ed), no hashing. Reported:
#         time of the two-target run over the one-target run (goal on this
#         storage: at most 1.10, "within 10%"), and over what writing the
#         second copy costs the storage itself (tee/dd).
#   export  verify export --to vhd (issue 13: the media read once, hashed,
#         verified and written in the same pass) of the raw and the E01
#         copies of the image (made as for verify; the exports are recorded
#         in their case database) vs verify of the raw copy alone (the
#         floor: an export is that verification plus one write) and vs the
#         same work in three steps: verify, qemu-img convert -O vpc
#         (fixed), sha256sum of the result. Goals: export of the raw copy
#         at least 0.8x verify alone, and faster than the three steps.
#   stream  a remote acquisition through a pipe (issue 12): acquire
#         --to-stream IMG | acquire --from-stream - (raw, then E01 fast;
#         --no-verify) against a local acquisition of the same image in the
#         same format, and the pipe itself (dd | dd, 1 MiB blocks) as the
#         ceiling the relay sets. Reported: stream / local for each format,
#         and the stream's fraction of the pipe's ceiling. Both ends hash
#         (the sender what it reads, the receiver what arrives), so on few
#         cores the hashes of both ends share them: expect about half the
#         local throughput on 2 cores, close to it on 4 or more.
#   sparse  acquire --format raw --sparse (issue 13) against plain raw,
#         both --hash md5,sha1,sha256 --no-verify, on the mixed image (a
#         third zeros: holes; a third random: the zero check stops at the
#         first word; a third text). Reported: the throughput ratio (goal:
#         no slower, 1.00x or more) and the bytes each image takes on
#         storage (st_blocks * 512; the sparse one about two thirds).
#   ledger  the case database's audit log under concurrent writers (issue
#         14): events per second appended by 1, 4 and 8 processes at once
#         (tests/tools/fx_ledger_append: one custody transfer, one write
#         transaction, one audit event each; $BENCH_LEDGER_EVENTS events in
#         all, default 4000, split among the writers), into a fresh SQLite
#         file (WAL, synchronous=FULL) and into a fresh PostgreSQL 15 ledger
#         (a server started for the section, as tests/e2e/lib/pg.sh does,
#         on a Unix socket, fsync on); and verify audit of a chain of
#         $BENCH_LEDGER_AUDIT events (default 10000) on both, as seconds per
#         10,000 events. Needs the test tools built (build/tests) and
#         postgresql-15. Does not use the 1 GiB image.
#   limits  each run against the limit this machine sets for it (issue
#         15), measured in the same run: the single-core time of MD5,
#         SHA-1 and SHA-256 of the image (openssl dgst), of deflating its
#         32 KiB chunks as the E01 writer does (fx_deflate_chunks: ISA-L
#         level 1, one core), and the time `dd oflag=direct bs=1M
#         conv=fdatasync` takes to write it to the destination. For each
#         destination -- $FX_BENCH_DEST (default $BENCH_DIR, the real disk)
#         and $FX_BENCH_FAST (default /dev/shm/fx-bench, tmpfs: the stand-in
#         for fast storage; FX_BENCH_FAST=none skips it) -- acquire raw,
#         split raw (4 segments) and E01 fast (3 hashes, --no-verify) run
#         and print their fraction of their limit (target 90%): raw and
#         split raw: the slower of MD5 alone and the storage write (split
#         raw also against its CPU work over the cores: MD5 + SHA-1 + the
#         two-lane SHA-256 of the media and the segments, whose cost over
#         one SHA-256's fx_sha256_lanes measures and prints); E01:
#         the slowest of MD5 alone, the storage write of the E01's bytes
#         and the total CPU work (MD5 + SHA-1 + SHA-256 + deflate) over
#         the cores. Then TARGET + one --copy (the copy in
#         $FX_BENCH_DEST2, default the same destination): its fraction of
#         the slower destination's limit (MD5 alone, or two dd oflag=direct
#         writing at once, one to each; target 85%) and its time over one
#         target's (issue 12: at most 1.10). Peak RSS of raw (target < 64
#         MiB) and E01 (< 256 MiB) are printed too. The verify section
#         prints verify's fractions of the same limits without the write.
#   blockdev  a block device as the source (issue 15): the image copied to
#         tmpfs, attached read-only to a loop device, acquired by its device
#         path (O_DIRECT reads, BLKROSET) against the same file acquired as
#         a file (raw, 3 hashes, --no-verify). Needs root and losetup;
#         prints SKIP otherwise.
#   flat  memory and time flat in the source's size (issue 15): sparse
#         sources (truncate -s) of 1x and 8x the image size acquired as
#         raw (3 hashes, --no-verify) to $FX_BENCH_DEST: MB/s and peak RSS
#         of each, and their ratios (about 1.00 when flat).
# FX_BENCH_SIZE (MiB, default 1024) scales the image (and so every
# section) down for a quick check, e.g. FX_BENCH_SIZE=128.
# To add a section NAME (E01 vs ewfacquire, verify, ...): write
# section_NAME, which calls bench_tool for each command and bench_note /
# bench_summary for derived figures, and add NAME to BENCH_SECTIONS.
set -euo pipefail

BENCH_DIR=${BENCH_DIR:-/tmp/fx-bench}
BENCH_RUNS=${BENCH_RUNS:-3}
FX_ROOT=${FX_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FX_BIN=${FX_BIN:-$FX_ROOT/build/bin}
BENCH_SECTIONS=(limits raw e01 verify files copies blockdev flat stream export sparse vdisk ledger)
BENCH_LEDGER_EVENTS=${BENCH_LEDGER_EVENTS:-4000}
BENCH_LEDGER_AUDIT=${BENCH_LEDGER_AUDIT:-10000}
read -r -a BENCH_FILES <<<"${BENCH_FILES:-1024 4096 16384}"

IMG_MIB=${FX_BENCH_SIZE:-1024}
[[ $IMG_MIB =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: FX_BENCH_SIZE must be a size in MiB" >&2; exit 1; }
readonly IMG_SIZE=$((IMG_MIB * 1048576))
if ((IMG_MIB == 1024)); then
	readonly IMG_VERSION="mixed-1G v1: aes-128-ctr key 000102..0f iv 0, zeros, lcg-69069 text"
	IMG=$BENCH_DIR/mixed-1G.img
else
	readonly IMG_VERSION="mixed-${IMG_MIB}M v1: aes-128-ctr key 000102..0f iv 0, zeros, lcg-69069 text"
	IMG=$BENCH_DIR/mixed-${IMG_MIB}M.img
fi
FX_BENCH_DEST=${FX_BENCH_DEST:-$BENCH_DIR}
FX_BENCH_DEST2=${FX_BENCH_DEST2:-$FX_BENCH_DEST}
FX_BENCH_FAST=${FX_BENCH_FAST:-/dev/shm/fx-bench}
FX_TESTS_BIN=${FX_TESTS_BIN:-$(dirname "$FX_BIN")/tests}
OUT=$FX_BENCH_DEST/out

# Results: one table row per tool; MB/s keyed by tool label, for the
# sections' derived figures.
declare -a ROWS=()
declare -A MBPS=() OUTBYTES=() ALLOCBYTES=() SECS=() PEAK=()
# bytes a run's MB/s is of (the image's, unless a section says otherwise)
BENCH_BYTES=
declare -a NOTES=() SUMMARY=()

# A section that fails still leaves the figures measured before it: the
# report so far is printed, then the reason.
die() {
	((${#ROWS[@]})) && print_report
	echo "bench.sh: $*" >&2
	exit 1
}

# ---- input ---------------------------------------------------------------

gen_text() {
	awk -v want="$1" 'BEGIN {
		n = split("lorem ipsum dolor sit amet consectetur adipiscing elit sed do " \
			"eiusmod tempor incididunt ut labore et dolore magna aliqua evidence " \
			"forensic acquisition sector partition image hash verify custody " \
			"examiner court drive volume cluster inode journal timestamp registry " \
			"deleted carve offset header footer signature", w, " ")
		x = 12345; out = 0
		while (out < want) {
			line = ""
			for (i = 0; i < 12; i++) {
				x = (x * 69069 + 1) % 4294967296
				line = line w[int(x / 65536) % n + 1] (i < 11 ? " " : "")
			}
			print line
			out += length(line) + 1
		}
	}' | head -c "$1"
}

prepare_image() {
	local third=$((IMG_SIZE / 3)) stamp=$IMG.stamp
	mkdir -p "$BENCH_DIR"
	if [[ -f $IMG && -f $stamp && $(cat "$stamp") == "$IMG_VERSION" &&
		$(stat -c %s "$IMG") == "$IMG_SIZE" ]]; then
		return 0
	fi
	echo "generating $IMG ($IMG_MIB MiB, once) ..." >&2
	rm -f "$IMG" "$stamp"
	{
		head -c "$third" /dev/zero |
			openssl enc -aes-128-ctr -nosalt -K 000102030405060708090a0b0c0d0e0f \
				-iv 00000000000000000000000000000000
		head -c "$third" /dev/zero
		gen_text $((IMG_SIZE - 2 * third))
	} >"$IMG.tmp"
	[[ $(stat -c %s "$IMG.tmp") == "$IMG_SIZE" ]] || die "generated image has the wrong size"
	mv "$IMG.tmp" "$IMG"
	echo "$IMG_VERSION" >"$stamp"
}

warm_cache() {
	cat "$IMG" >/dev/null
}

# ---- measuring -----------------------------------------------------------

# Directories outside $OUT a section's runs write into (a copy's), removed
# and made anew with $OUT, outside the timing.
EXTRA_OUT=()

clean_out() {
	rm -rf "$OUT" ${EXTRA_OUT[@]+"${EXTRA_OUT[@]}"}
	sync # the previous run's writeback must not land in the next timing
	mkdir -p "$OUT" ${EXTRA_OUT[@]+"${EXTRA_OUT[@]}"}
}

# bench_tool LABEL CMD...: runs CMD $BENCH_RUNS times (outputs removed
# before each run); adds a table row (median wall time, MB/s, peak RSS,
# every run's time) and sets MBPS[LABEL].
bench_tool() {
	local label=$1 i t0 t1 rss peak=0 times=() sorted median
	shift
	warm_cache
	for ((i = 0; i < BENCH_RUNS; i++)); do
		clean_out
		t0=$(date +%s%N)
		if ! /usr/bin/time -v -o "$BENCH_DIR/time.txt" "$@" >"$BENCH_DIR/run.out" 2>&1; then
			cat "$BENCH_DIR/run.out" >&2
			die "$label failed: $*"
		fi
		t1=$(date +%s%N)
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
		rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$BENCH_DIR/time.txt")
		((rss > peak)) && peak=$rss
	done
	# total size of the image files the tool wrote (logs and databases excluded)
	OUTBYTES[$label]=$(find "$OUT" -type f ! -name '*.log' ! -name '*.db*' \
		! -name '*.sha256' ! -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
	# ... and what they take on storage (st_blocks * 512: holes take none)
	ALLOCBYTES[$label]=$(find "$OUT" -type f ! -name '*.log' ! -name '*.db*' \
		! -name '*.sha256' ! -name '*.txt' -printf '%b\n' | awk '{ s += $1 * 512 } END { print s + 0 }')
	clean_out
	sorted=$(printf '%s\n' "${times[@]}" | sort -n)
	median=$(printf '%s\n' "$sorted" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	SECS[$label]=$median
	PEAK[$label]=$((peak / 1024))
	MBPS[$label]=$(awk -v s="$median" -v b="${BENCH_BYTES:-$IMG_SIZE}" 'BEGIN { printf "%.1f", b / 1e6 / s }')
	ROWS+=("$(printf '%-34s %9s %9s %10s   %s' "$label" "$median" "${MBPS[$label]}" \
		"$((peak / 1024))" "${times[*]}")")
}

bench_note() {
	NOTES+=("$*")
}

bench_summary() {
	SUMMARY+=("$*")
}

# openssl_mbps ALG: single-core throughput of ALG (md5, sha1, sha256) on
# 1 MiB blocks from openssl speed, in MB/s ("k" there is 1000 bytes/s).
openssl_mbps() {
	openssl speed -evp "$1" -bytes 1048576 -seconds 3 2>/dev/null |
		awk -v a="$1" 'tolower($1) == a { v = $NF; sub(/k$/, "", v); printf "%.1f", v / 1000 }'
}

# hashes_ceiling_mbps MD5 SHA1 SHA256: the most the three hashes allow on
# $(nproc) cores: each is sequential (one core each), and together they
# need the sum of their CPU time per byte.
hashes_ceiling_mbps() {
	awk -v a="$1" -v b="$2" -v c="$3" -v n="$(nproc)" 'BEGIN {
		t = 1 / a + 1 / b + 1 / c; m = 1 / a
		if (1 / b > m) m = 1 / b
		if (1 / c > m) m = 1 / c
		if (t / n > m) m = t / n
		printf "%.1f", 1 / m
	}'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

percent() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", 100 * a / b }'
}

# ---- limits (issue 15) ---------------------------------------------------

# seconds_of CMD...: wall seconds of one run of CMD (output discarded).
seconds_of() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || die "failed: $*"
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

# median_of N CMD...: the median of N runs' seconds_of.
median_of() {
	local n=$1 i t=()
	shift
	for ((i = 0; i < n; i++)); do
		t+=("$(seconds_of "$@")")
	done
	median_list "${t[@]}"
}

# median_out N CMD...: the median of the seconds N runs of CMD print.
median_out() {
	local n=$1 i t=()
	shift
	for ((i = 0; i < n; i++)); do
		t+=("$("$@")") || die "failed: $*"
	done
	median_list "${t[@]}"
}

median_list() {
	printf '%s\n' "$@" | sort -n |
		awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# The single-core CPU times of the image (set once): T_MD5, T_SHA1,
# T_SHA256 (openssl dgst from the page cache) and T_DEFLATE (its E01
# chunks, ISA-L level 1, reading excluded).
T_MD5='' T_SHA1='' T_SHA256='' T_DEFLATE='' L_ONE='' L_TWO='' L_PAIR='' L_ACCEL=''
cpu_limits() {
	[[ -n $T_MD5 ]] && return 0
	[[ -x $FX_TESTS_BIN/fx_deflate_chunks ]] ||
		die "fx_deflate_chunks not built: $FX_TESTS_BIN/fx_deflate_chunks (set FX_TESTS_BIN)"
	warm_cache
	T_MD5=$(median_of "$BENCH_RUNS" openssl dgst -md5 "$IMG")
	T_SHA1=$(median_of "$BENCH_RUNS" openssl dgst -sha1 "$IMG")
	T_SHA256=$(median_of "$BENCH_RUNS" openssl dgst -sha256 "$IMG")
	T_DEFLATE=$("$FX_TESTS_BIN/fx_deflate_chunks" "$IMG" | awk '{ print $1 }')
	# split raw's media + segment SHA-256: one OpenSSL, two, the two lanes
	read -r L_ONE L_TWO L_PAIR L_ACCEL < <("$FX_TESTS_BIN/fx_sha256_lanes" "$IMG" "$((IMG_SIZE / 4))") ||
		die "fx_sha256_lanes failed"
	bench_note "limits: one core, the image from the page cache: MD5 $T_MD5 s, SHA-1 $T_SHA1 s," \
		"SHA-256 $T_SHA256 s, deflate of its 32 KiB chunks $T_DEFLATE s; $(nproc) cores"
	bench_note "limits: split raw's SHA-256 of the media and of each segment, one core, from memory:" \
		"two OpenSSL hashers $L_TWO s, the two-lane hasher $L_PAIR s (SHA-NI: $([[ $L_ACCEL == 1 ]] && echo yes || echo no))," \
		"one OpenSSL hasher $L_ONE s (pair / one: $(ratio "$L_PAIR" "$L_ONE"))"
}

# dd_write_s DIR [DIR2]: seconds to write the image with dd oflag=direct
# bs=1M conv=fdatasync into DIR (and at the same time into DIR2).
dd_write_s() {
	local t0 t1 a=$1/out-dd b=${2:-}
	mkdir -p "$a" ${b:+"$b/out-dd2"}
	rm -f "$a/dd.raw" ${b:+"$b/out-dd2/dd.raw"}
	sync
	t0=$(date +%s%N)
	if [[ -n $b ]]; then
		dd if="$IMG" of="$a/dd.raw" bs=1M oflag=direct conv=fdatasync status=none &
		dd if="$IMG" of="$b/out-dd2/dd.raw" bs=1M oflag=direct conv=fdatasync status=none
		wait $! || die "dd to $a failed"
	else
		dd if="$IMG" of="$a/dd.raw" bs=1M oflag=direct conv=fdatasync status=none || die "dd to $a failed"
	fi
	t1=$(date +%s%N)
	rm -rf "$a" ${b:+"$b/out-dd2"}
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

# max_of X...: the largest number.
max_of() {
	printf '%s\n' "$@" | sort -g | tail -n 1
}

# frac LIMIT_S RUN_S: the run's fraction of its limit, in percent.
frac() {
	awk -v l="$1" -v r="$2" 'BEGIN { printf "%.0f", 100 * l / r }'
}

# limits_at NAME DIR: raw, split raw and E01 to DIR against their limits.
limits_at() {
	local name=$1 dir=$2 t_dd raw split e01 l_raw l_e01 l_split e01_bytes t_e01w cpu
	local saved_out=$OUT
	OUT=$dir/out
	mkdir -p "$dir"
	warm_cache
	t_dd=$(median_out "$BENCH_RUNS" dd_write_s "$dir")
	raw="acquire raw to $name" split="acquire split raw to $name" e01="acquire e01 fast to $name"
	bench_tool "$raw" "$FX_BIN/acquire" --format raw --no-verify -q "$IMG" "$OUT/acq"
	bench_tool "$split" "$FX_BIN/acquire" --format raw --segment-size $((IMG_SIZE / 4)) \
		--no-verify -q "$IMG" "$OUT/acq"
	bench_tool "$e01" "$FX_BIN/acquire" --format e01 --compression fast --no-verify -q "$IMG" "$OUT/acq"
	l_raw=$(max_of "$T_MD5" "$t_dd")
	e01_bytes=${OUTBYTES[$e01]}
	t_e01w=$(awk -v t="$t_dd" -v e="$e01_bytes" -v b="$IMG_SIZE" 'BEGIN { printf "%.3f", t * e / b }')
	cpu=$(awk -v a="$T_MD5" -v b="$T_SHA1" -v c="$T_SHA256" -v d="$T_DEFLATE" -v n="$(nproc)" \
		'BEGIN { printf "%.3f", (a + b + c + d) / n }')
	l_e01=$(max_of "$T_MD5" "$t_e01w" "$cpu")
	# split raw SHA-256's each segment too, with the media's (two lanes):
	# work the MD5/write limit does not count; its CPU work over the
	# cores, as for E01, the SHA-256 scaled by the lanes' measured cost
	l_split=$(max_of "$l_raw" "$(awk -v a="$T_MD5" -v b="$T_SHA1" -v c="$T_SHA256" -v n="$(nproc)" \
		-v r="$(ratio "$L_PAIR" "$L_ONE")" 'BEGIN { printf "%.3f", (a + b + r * c) / n }')")
	bench_note "limits at $name ($dir): dd oflag=direct write of the image $t_dd s;" \
		"raw/split limit $l_raw s; E01 limit $l_e01 s (MD5 $T_MD5, write of its $e01_bytes bytes $t_e01w," \
		"CPU work / cores $cpu); split raw's CPU work (MD5 + SHA-1 + two-lane SHA-256) / cores $l_split s"
	bench_summary "limits $name: raw ${SECS[$raw]} s = $(frac "$l_raw" "${SECS[$raw]}")% of its limit," \
		"split raw ${SECS[$split]} s = $(frac "$l_raw" "${SECS[$split]}")%" \
		"($(frac "$l_split" "${SECS[$split]}")% counting its segment hash), E01 ${SECS[$e01]} s =" \
		"$(frac "$l_e01" "${SECS[$e01]}")% (target 90%); peak RSS raw ${PEAK[$raw]} MiB (< 64)," \
		"E01 ${PEAK[$e01]} MiB (< 256)"
	OUT=$saved_out
}

# TARGET on $FX_BENCH_DEST and one --copy on $FX_BENCH_DEST2 against one
# target, and against the slower destination's limit.
limits_copies() {
	local one="acquire raw to dest (1 target)" two="acquire raw + --copy (dest2)" t_dd2 lim
	warm_cache
	t_dd2=$(median_out "$BENCH_RUNS" dd_write_s "$FX_BENCH_DEST" "$FX_BENCH_DEST2")
	lim=$(max_of "$T_MD5" "$t_dd2")
	bench_tool "$one" "$FX_BIN/acquire" --format raw --no-verify -q "$IMG" "$OUT/a"
	# the copy's directory is emptied (and synced) before each run, not
	# inside its timing: removing the last run's 1 GiB copy is not the run's
	EXTRA_OUT=("$FX_BENCH_DEST2/out-copy")
	bench_tool "$two" "$FX_BIN/acquire" --format raw --no-verify -q "$IMG" "$OUT/a" \
		--copy "$FX_BENCH_DEST2/out-copy/b"
	EXTRA_OUT=()
	rm -rf "$FX_BENCH_DEST2/out-copy"
	bench_note "limits, copies: two dd oflag=direct at once ($FX_BENCH_DEST, $FX_BENCH_DEST2) $t_dd2 s;" \
		"limit of the slower destination $lim s"
	bench_summary "limits copies: TARGET + --copy ${SECS[$two]} s = $(frac "$lim" "${SECS[$two]}")% of the" \
		"slower destination's limit (target 85%); time x$(ratio "${SECS[$two]}" "${SECS[$one]}") of one target (goal <= 1.10)"
}

section_limits() {
	cpu_limits
	limits_at dest "$FX_BENCH_DEST"
	limits_copies
	if [[ $FX_BENCH_FAST != none ]]; then
		limits_at tmpfs "$FX_BENCH_FAST"
		rm -rf "$FX_BENCH_FAST"
	fi
}

# ---- a block device as the source (issue 15) ------------------------------

section_blockdev() {
	local fast=${FX_BENCH_FAST/#none//dev/shm/fx-bench} copy loop dev="acquire raw of a loop device"
	local file="acquire raw of the same file"
	if [[ $(id -u) != 0 ]] || ! command -v losetup >/dev/null; then
		bench_note "SKIP: blockdev: needs root and losetup"
		return 0
	fi
	mkdir -p "$fast"
	copy=$fast/blk.img
	cp "$IMG" "$copy"
	loop=$(losetup -f --show -r "$copy") || die "losetup failed"
	# shellcheck disable=SC2064 # the device is known now
	trap "losetup -d $loop 2>/dev/null; rm -f '$copy'" EXIT
	bench_tool "$dev" "$FX_BIN/acquire" --format raw --no-verify -q "$loop" "$OUT/acq"
	bench_tool "$file" "$FX_BIN/acquire" --format raw --no-verify -q "$copy" "$OUT/acq"
	losetup -d "$loop"
	rm -f "$copy"
	trap - EXIT
	bench_note "blockdev: $loop over $copy (tmpfs), O_DIRECT + BLKROSET: ${MBPS[$dev]} MB/s;" \
		"the same image read as a file ${MBPS[$file]} MB/s"
	bench_summary "blockdev: loop device ${MBPS[$dev]} MB/s, file ${MBPS[$file]} MB/s" \
		"(device / file $(ratio "${MBPS[$dev]}" "${MBPS[$file]}")x)"
}

# ---- flat in the source's size (issue 15) ---------------------------------

section_flat() {
	local n size src label mb=() rss=()
	for n in 1 8; do
		size=$((IMG_SIZE * n))
		src=$BENCH_DIR/sparse-$n.img
		rm -f "$src"
		truncate -s "$size" "$src"
		label="acquire raw, sparse ${n}x ($((size >> 20)) MiB)"
		BENCH_BYTES=$size bench_tool "$label" "$FX_BIN/acquire" --format raw --no-verify -q "$src" "$OUT/acq"
		rm -f "$src"
		mb+=("${MBPS[$label]}")
		rss+=("${PEAK[$label]}")
	done
	bench_summary "flat: sparse source 1x ${mb[0]} MB/s ${rss[0]} MiB peak, 8x ${mb[1]} MB/s ${rss[1]} MiB peak" \
		"(MB/s 8x/1x $(ratio "${mb[1]}" "${mb[0]}"), RSS 8x/1x $(ratio "${rss[1]}" "${rss[0]}"); flat = about 1.00)"
}

# ---- sections ------------------------------------------------------------

section_e01() {
	local fast="acquire e01 fast, 3 hashes" ewf="ewfacquire -c fast, 3 hashes (+sync)"
	local empty="acquire e01 empty, 3 hashes" none="acquire e01 none, 3 hashes" md5
	local verified="acquire e01 fast + --verify (default)"
	bench_tool "$fast" "$FX_BIN/acquire" --format e01 --compression fast \
		--no-verify -q "$IMG" "$OUT/acq"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$ewf" sh -c 'ewfacquire -u -q -f encase6 -c fast -d sha1,sha256 -t "$2" "$1" && sync' \
		ewfacquire "$IMG" "$OUT/ewf"
	bench_tool "$empty" "$FX_BIN/acquire" --format e01 --compression empty \
		--no-verify -q "$IMG" "$OUT/acq"
	bench_tool "$none" "$FX_BIN/acquire" --format e01 --compression none \
		--no-verify -q "$IMG" "$OUT/acq"
	# the default: the image read back from storage, its segment hashed
	bench_tool "$verified" "$FX_BIN/acquire" --format e01 --compression fast \
		-q "$IMG" "$OUT/acq"
	md5=$(openssl_mbps md5)
	[[ -n $md5 ]] || die "cannot parse openssl speed output"
	bench_note "E01 output bytes: acquire fast ${OUTBYTES[$fast]}, ewfacquire fast ${OUTBYTES[$ewf]}" \
		"(acquire/ewfacquire $(ratio "${OUTBYTES[$fast]}" "${OUTBYTES[$ewf]}")), empty ${OUTBYTES[$empty]}, none ${OUTBYTES[$none]}"
	bench_note "acquire e01 fast / ewfacquire throughput: $(ratio "${MBPS[$fast]}" "${MBPS[$ewf]}")x;" \
		"$(percent "${MBPS[$fast]}" "$md5")% of the MD5 ceiling ($md5 MB/s)"
	bench_summary "e01: acquire fast ${MBPS[$fast]} MB/s, ewfacquire ${MBPS[$ewf]} MB/s" \
		"($(ratio "${MBPS[$fast]}" "${MBPS[$ewf]}")x), $(percent "${MBPS[$fast]}" "$md5")% of MD5 ceiling," \
		"output $(ratio "${OUTBYTES[$fast]}" "${OUTBYTES[$ewf]}") of ewfacquire's"
}

section_raw() {
	local acq="acquire raw md5+sha1+sha256" dc="dc3dd md5+sha1+sha256 (+sync)"
	local dd="dd copy + fdatasync, no hashes" md5 sha1 sha256 all
	bench_tool "$acq" "$FX_BIN/acquire" --format raw --hash md5,sha1,sha256 \
		--no-verify -q "$IMG" "$OUT/acq"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$dc" sh -c 'dc3dd if="$1" of="$2" hash=md5 hash=sha1 hash=sha256 log="$3" && sync "$2"' \
		dc3dd "$IMG" "$OUT/dc3dd.raw" "$OUT/dc3dd.log"
	bench_tool "$dd" dd if="$IMG" of="$OUT/dd.raw" bs=1M conv=fdatasync status=none
	md5=$(openssl_mbps md5)
	sha1=$(openssl_mbps sha1)
	sha256=$(openssl_mbps sha256)
	[[ -n $md5 && -n $sha1 && -n $sha256 ]] || die "cannot parse openssl speed output"
	all=$(hashes_ceiling_mbps "$md5" "$sha1" "$sha256")
	bench_note "single-core hash speed (openssl speed -evp, 1 MiB blocks): MD5 $md5, SHA-1 $sha1, SHA-256 $sha256 MB/s"
	bench_note "MD5 ceiling: $md5 MB/s; all three hashes on $(nproc) cores (CPU-bound): $all MB/s"
	bench_note "acquire / dc3dd throughput: $(ratio "${MBPS[$acq]}" "${MBPS[$dc]}")x"
	bench_note "acquire raw at $(percent "${MBPS[$acq]}" "$md5")% of the MD5 ceiling," \
		"$(percent "${MBPS[$acq]}" "$all")% of the three-hash CPU ceiling," \
		"$(percent "${MBPS[$acq]}" "${MBPS[$dd]}")% of plain copy+fdatasync"
	bench_summary "raw: acquire ${MBPS[$acq]} MB/s, dc3dd ${MBPS[$dc]} MB/s" \
		"($(ratio "${MBPS[$acq]}" "${MBPS[$dc]}")x), $(percent "${MBPS[$acq]}" "$md5")% of MD5 ceiling $md5 MB/s"
}

section_sparse() {
	local plain="acquire raw, 3 hashes" sparse="acquire raw --sparse, 3 hashes"
	bench_tool "$plain" "$FX_BIN/acquire" --format raw --hash md5,sha1,sha256 \
		--no-verify -q "$IMG" "$OUT/acq"
	bench_tool "$sparse" "$FX_BIN/acquire" --format raw --sparse --hash md5,sha1,sha256 \
		--no-verify -q "$IMG" "$OUT/acq"
	bench_note "sparse: on storage ${ALLOCBYTES[$sparse]} of ${OUTBYTES[$sparse]} bytes" \
		"($(percent "${ALLOCBYTES[$sparse]}" "${OUTBYTES[$sparse]}")%; plain raw ${ALLOCBYTES[$plain]});" \
		"sparse / plain throughput $(ratio "${MBPS[$sparse]}" "${MBPS[$plain]}")x (goal: 1.00x or more)"
	bench_summary "sparse: raw --sparse ${MBPS[$sparse]} MB/s, plain raw ${MBPS[$plain]} MB/s" \
		"($(ratio "${MBPS[$sparse]}" "${MBPS[$plain]}")x), $(percent "${ALLOCBYTES[$sparse]}" "${OUTBYTES[$sparse]}")% of the image allocated"
}

section_copies() {
	local one="acquire raw, one target" two="acquire raw + --copy raw"
	local e1="acquire e01, one target" e2="acquire e01 + --copy raw"
	local dd1="dd to one file + fdatasync" tee2="tee to two files + fdatasync"
	bench_tool "$one" "$FX_BIN/acquire" --format raw --no-verify -q "$IMG" "$OUT/a"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$two" sh -c 'mkdir -p "$3" && exec "$1" --format raw --no-verify -q "$2" "$4" --copy "$3/b"' \
		copies "$FX_BIN/acquire" "$IMG" "$OUT/copy" "$OUT/a"
	bench_tool "$e1" "$FX_BIN/acquire" --format e01 --no-verify -q "$IMG" "$OUT/a"
	# shellcheck disable=SC2016
	bench_tool "$e2" sh -c 'mkdir -p "$3" && exec "$1" --format e01 --no-verify -q "$2" "$4" --copy "$3/b" --copy-format raw' \
		copies "$FX_BIN/acquire" "$IMG" "$OUT/copy" "$OUT/a"
	bench_tool "$dd1" dd if="$IMG" of="$OUT/dd.raw" bs=1M conv=fdatasync status=none
	# shellcheck disable=SC2016
	bench_tool "$tee2" sh -c 'tee "$2" <"$1" >"$3" && sync "$2" "$3"' tee "$IMG" "$OUT/t1.raw" "$OUT/t2.raw"
	bench_note "copies: raw two targets / one target: time x$(ratio "${MBPS[$one]}" "${MBPS[$two]}")" \
		"(goal <= 1.10); E01 + raw copy / E01 alone: time x$(ratio "${MBPS[$e1]}" "${MBPS[$e2]}")"
	bench_note "copies: the storage writing the bytes twice (tee two files / dd one file): time" \
		"x$(ratio "${MBPS[$dd1]}" "${MBPS[$tee2]}"); acquire with a copy at $(percent "${MBPS[$two]}" "${MBPS[$tee2]}")%" \
		"of tee's two-file throughput"
	bench_summary "copies: raw ${MBPS[$one]} MB/s with one target, ${MBPS[$two]} MB/s with --copy" \
		"(time x$(ratio "${MBPS[$one]}" "${MBPS[$two]}"), goal <= 1.10); e01 ${MBPS[$e1]} MB/s," \
		"with a raw --copy ${MBPS[$e2]} MB/s (time x$(ratio "${MBPS[$e1]}" "${MBPS[$e2]}"))"
}

# The E01 and raw images of $IMG that section_verify verifies, made once by
# acquire (with their case database) and reused while $IMG is unchanged.
prepare_verify_images() {
	local vdir=$BENCH_DIR/verify stamp=$BENCH_DIR/verify/stamp
	if [[ -f $stamp && $(cat "$stamp") == "$IMG_VERSION" && -f $vdir/m.E01 && -f $vdir/r.raw ]]; then
		return 0
	fi
	echo "making the E01 and raw images of $IMG for verify (once) ..." >&2
	rm -rf "$vdir"
	mkdir -p "$vdir"
	"$FX_BIN/acquire" -q --no-verify --format e01 --case BENCH --evidence E01 "$IMG" "$vdir/m" ||
		die "acquire --format e01 failed"
	"$FX_BIN/acquire" -q --no-verify --format raw --case BENCH --evidence RAW "$IMG" "$vdir/r" ||
		die "acquire --format raw failed"
	echo "$IMG_VERSION" >"$stamp"
}

section_verify() {
	local vdir=$BENCH_DIR/verify md5 l_e01
	local ve="verify E01 md5+sha1+sha256" ev="ewfverify -d sha1,sha256"
	local v1="verify E01 --threads 1" vr="verify raw md5+sha1+sha256"
	local sums="md5sum+sha1sum+sha256sum"
	command -v ewfverify >/dev/null || die "ewfverify is not installed (ewf-tools)"
	[[ -x $FX_BIN/verify ]] || die "verify not built: $FX_BIN/verify"
	prepare_verify_images
	cat "$vdir"/m.E01 "$vdir"/r.raw >/dev/null
	bench_tool "$ve" "$FX_BIN/verify" -q "$vdir/m.E01"
	bench_tool "$v1" "$FX_BIN/verify" -q --threads 1 "$vdir/m.E01"
	bench_tool "$ev" ewfverify -q -d sha1,sha256 "$vdir/m.E01"
	bench_tool "$vr" "$FX_BIN/verify" -q "$vdir/r.raw"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$sums" sh -c 'md5sum "$1" >/dev/null && sha1sum "$1" >/dev/null && sha256sum "$1" >/dev/null' \
		sums "$vdir/r.raw"
	md5=$(openssl_mbps md5)
	[[ -n $md5 ]] || die "cannot parse openssl speed output"
	cpu_limits
	l_e01=$(max_of "$T_MD5" "$(awk -v a="$T_MD5" -v b="$T_SHA1" -v c="$T_SHA256" -v d="$T_DEFLATE" \
		-v n="$(nproc)" 'BEGIN { printf "%.3f", (a + b + c + d) / n }')")
	bench_summary "limits verify: raw ${SECS[$vr]} s = $(frac "$T_MD5" "${SECS[$vr]}")% of its limit (MD5 alone $T_MD5 s)," \
		"E01 ${SECS[$ve]} s = $(frac "$l_e01" "${SECS[$ve]}")% of its limit ($l_e01 s: MD5 alone or the CPU work over the cores)"
	bench_note "E01 ($(stat -c %s "$vdir/m.E01") bytes, fast compression): verify / ewfverify:" \
		"$(ratio "${MBPS[$ve]}" "${MBPS[$ev]}")x (target 2x);" \
		"one decompression worker: $(ratio "${MBPS[$v1]}" "${MBPS[$ev]}")x"
	bench_note "raw: verify at $(percent "${MBPS[$vr]}" "$md5")% of the single-core MD5 ceiling" \
		"$md5 MB/s (target 85%); $(ratio "${MBPS[$vr]}" "${MBPS[$sums]}")x md5sum+sha1sum+sha256sum"
	bench_summary "verify: E01 ${MBPS[$ve]} MB/s vs ewfverify ${MBPS[$ev]} MB/s" \
		"($(ratio "${MBPS[$ve]}" "${MBPS[$ev]}")x), raw ${MBPS[$vr]} MB/s" \
		"($(percent "${MBPS[$vr]}" "$md5")% of MD5 ceiling $md5 MB/s)"
}

section_export() {
	local vdir=$BENCH_DIR/verify
	local vr="verify raw (no export)" xr="verify export raw --to vhd"
	local xe="verify export E01 --to vhd" three="verify+qemu-img convert+sha256sum"
	command -v qemu-img >/dev/null || die "qemu-img is not installed (qemu-utils)"
	[[ -x $FX_BIN/verify ]] || die "verify not built: $FX_BIN/verify"
	prepare_verify_images
	bench_tool "$vr" "$FX_BIN/verify" -q "$vdir/r.raw"
	bench_tool "$xr" "$FX_BIN/verify" -q --db "$vdir/case.db" export RAW --to vhd -o "$OUT/x.vhd"
	bench_tool "$xe" "$FX_BIN/verify" -q --db "$vdir/case.db" export E01 --to vhd -o "$OUT/x.vhd"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$three" sh -c '"$1" -q "$2" && qemu-img convert -f raw -O vpc -o subformat=fixed "$2" "$3" && sha256sum "$3" >/dev/null' \
		three "$FX_BIN/verify" "$vdir/r.raw" "$OUT/x.vhd"
	bench_note "export: raw to VHD at $(ratio "${MBPS[$xr]}" "${MBPS[$vr]}")x verify alone (goal 0.8x);" \
		"$(ratio "${MBPS[$xr]}" "${MBPS[$three]}")x verify, qemu-img convert and sha256sum in turn;" \
		"E01 to VHD ${MBPS[$xe]} MB/s"
	bench_summary "export: raw ${MBPS[$xr]} MB/s ($(ratio "${MBPS[$xr]}" "${MBPS[$vr]}")x verify alone," \
		"$(ratio "${MBPS[$xr]}" "${MBPS[$three]}")x the three steps), E01 ${MBPS[$xe]} MB/s"
}

# files_timed LABEL BYTES VAR RESET CMD...: runs RESET then CMD,
# $BENCH_RUNS times, timing CMD only; adds a table row (median, MB/s of
# BYTES or "-" when BYTES is 0, peak RSS, every run) and sets VAR to the
# median.
files_timed() {
	local label=$1 bytes=$2 var=$3 reset=$4 i t0 t1 rss peak=0 times=() median mbps=-
	shift 4
	for ((i = 0; i < BENCH_RUNS; i++)); do
		"$reset"
		t0=$(date +%s%N)
		if ! /usr/bin/time -v -o "$BENCH_DIR/time.txt" "$@" >"$BENCH_DIR/run.out" 2>&1; then
			cat "$BENCH_DIR/run.out" >&2
			die "$label failed: $*"
		fi
		t1=$(date +%s%N)
		times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')")
		rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$BENCH_DIR/time.txt")
		((rss > peak)) && peak=$rss
	done
	median=$(printf '%s\n' "${times[@]}" | sort -n |
		awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
	((bytes == 0)) || mbps=$(awk -v s="$median" -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 / s }')
	ROWS+=("$(printf '%-34s %9s %9s %10s   %s' "$label" "$median" "$mbps" "$((peak / 1024))" "${times[*]}")")
	printf -v "$var" '%s' "$median"
}

# Before each timed run: the case database as it was saved in $FILES_DB
# (verify: as acquire left it; audit: after one verify).
FILES_SET= FILES_DB=
files_reset_db() {
	rm -f "$FILES_SET"/case.db*
	cp -a "$FILES_DB"/. "$FILES_SET"/
}

# per_1000 SECONDS FILES: seconds per 1000 files.
per_1000() {
	awk -v s="$1" -v n="$2" 'BEGIN { printf "%.3f", s * 1000 / n }'
}

section_files() {
	local n set t0 t1 acq_s ver_s aud_s first_n last_n
	local -A VER_K=() AUD_K=()
	[[ -x $FX_BIN/verify ]] || die "verify not built: $FX_BIN/verify"
	for n in "${BENCH_FILES[@]}"; do
		set=$BENCH_DIR/files/$n
		rm -rf "$set"
		mkdir -p "$set/db-acquired" "$set/db-verified"
		truncate -s "${n}M" "$set/src.img"
		t0=$(date +%s%N)
		"$FX_BIN/acquire" -q --no-verify --hash sha256 --format raw --segment-size 1M \
			--case BENCH --evidence "FILES-$n" "$set/src.img" "$set/s" ||
			die "acquire of $n MiB into 1 MiB segments failed"
		t1=$(date +%s%N)
		acq_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
		[[ -f $set/s.$(printf '%03d' "$n") ]] || die "acquire did not write $n files"
		cp -a "$set"/case.db* "$set/db-acquired/"
		FILES_SET=$set FILES_DB=$set/db-acquired
		files_timed "verify, $n files" $((n * 1048576)) ver_s files_reset_db \
			"$FX_BIN/verify" -q --hash sha256 "$set/s.001"
		# the database after one verification (the last run's)
		cp -a "$set"/case.db* "$set/db-verified/"
		FILES_DB=$set/db-verified
		files_timed "verify audit, $n files" 0 aud_s files_reset_db \
			"$FX_BIN/verify" audit --db "$set/case.db"
		VER_K[$n]=$(per_1000 "$ver_s" "$n")
		AUD_K[$n]=$(per_1000 "$aud_s" "$n")
		bench_note "files: $n files (${n} MiB source): acquire ${acq_s} s (once); verify ${VER_K[$n]} s/1000 files;" \
			"verify audit (the chain with one verification) ${AUD_K[$n]} s/1000 files"
		rm -rf "$set"
	done
	first_n=${BENCH_FILES[0]}
	last_n=${BENCH_FILES[${#BENCH_FILES[@]} - 1]}
	bench_summary "files: verify s/1000 files $(for n in "${BENCH_FILES[@]}"; do printf '%s@%s ' "${VER_K[$n]}" "$n"; done)" \
		"(growth ${first_n}->${last_n}: $(ratio "${VER_K[$last_n]}" "${VER_K[$first_n]}")x);" \
		"verify audit s/1000 files $(for n in "${BENCH_FILES[@]}"; do printf '%s@%s ' "${AUD_K[$n]}" "$n"; done)" \
		"(growth $(ratio "${AUD_K[$last_n]}" "${AUD_K[$first_n]}")x); linear = about 1x"
}

# The containers of $IMG that section_vdisk acquires, made once by qemu-img
# and reused while $IMG is unchanged.
prepare_vdisks() {
	local vd=$BENCH_DIR/vdisk stamp=$BENCH_DIR/vdisk/stamp
	command -v qemu-img >/dev/null || die "qemu-img is not installed (qemu-utils)"
	if [[ -f $stamp && $(cat "$stamp") == "$IMG_VERSION" ]]; then
		return 0
	fi
	echo "converting $IMG to VMDK and QCOW2 (once) ..." >&2
	rm -rf "$vd"
	mkdir -p "$vd"
	qemu-img convert -O vmdk "$IMG" "$vd/disk.vmdk" || die "qemu-img convert to vmdk failed"
	qemu-img convert -O qcow2 "$IMG" "$vd/disk.qcow2" || die "qemu-img convert to qcow2 failed"
	echo "$IMG_VERSION" >"$stamp"
}

section_vdisk() {
	local vd=$BENCH_DIR/vdisk fmt acq qemu
	prepare_vdisks
	for fmt in vmdk qcow2; do
		acq="acquire --source-format $fmt"
		qemu="qemu-img $fmt + sha256sum"
		# shellcheck disable=SC2016 # expanded by that sh, from its arguments
		bench_tool "$acq" sh -c 'dd if="$2" iflag=nocache count=0 status=none &&
			"$1" --source-format "$3" --format raw --hash sha256 --no-verify -q "$2" "$4"' \
			acquire "$FX_BIN/acquire" "$vd/disk.$fmt" "$fmt" "$OUT/acq"
		# shellcheck disable=SC2016 # expanded by that sh, from its arguments
		bench_tool "$qemu" sh -c 'dd if="$1" iflag=nocache count=0 status=none &&
			qemu-img convert -S 0 -f "$2" -O raw "$1" "$3" && sync "$3" && sha256sum "$3" >/dev/null' \
			qemu "$vd/disk.$fmt" "$fmt" "$OUT/qemu.raw"
		bench_note "$fmt: acquire / (qemu-img convert + sha256sum) throughput: $(ratio "${MBPS[$acq]}" "${MBPS[$qemu]}")x" \
			"(container $(stat -c %s "$vd/disk.$fmt") bytes)"
		bench_summary "vdisk $fmt: acquire ${MBPS[$acq]} MB/s, qemu-img+sha256sum ${MBPS[$qemu]} MB/s" \
			"($(ratio "${MBPS[$acq]}" "${MBPS[$qemu]}")x)"
	done
}

section_stream() {
	local lraw="acquire raw, local" sraw="acquire raw, stream through pipe"
	local le01="acquire e01 fast, local" se01="acquire e01 fast, stream thru pipe"
	local pipe="pipe ceiling: dd | dd (1 MiB)"
	bench_tool "$lraw" "$FX_BIN/acquire" --format raw --no-verify -q "$IMG" "$OUT/local"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$sraw" sh -c '"$1" -q --to-stream --block-size 1M "$2" | "$1" -q --format raw --no-verify --from-stream - "$3"' \
		stream "$FX_BIN/acquire" "$IMG" "$OUT/remote"
	bench_tool "$le01" "$FX_BIN/acquire" --format e01 --compression fast --no-verify -q "$IMG" "$OUT/local"
	# shellcheck disable=SC2016 # expanded by that sh, from its arguments
	bench_tool "$se01" sh -c '"$1" -q --to-stream "$2" | "$1" -q --format e01 --compression fast --no-verify --from-stream - "$3"' \
		stream "$FX_BIN/acquire" "$IMG" "$OUT/remote"
	bench_tool "$pipe" sh -c 'dd if="$1" bs=1M status=none | dd of=/dev/null bs=1M status=none' pipe "$IMG"
	bench_note "stream / local: raw $(ratio "${MBPS[$sraw]}" "${MBPS[$lraw]}")x, e01 $(ratio "${MBPS[$se01]}" "${MBPS[$le01]}")x;" \
		"raw stream at $(percent "${MBPS[$sraw]}" "${MBPS[$pipe]}")% of the pipe ceiling (${MBPS[$pipe]} MB/s) on $(nproc) cores"
	bench_summary "stream: raw ${MBPS[$sraw]} MB/s vs local ${MBPS[$lraw]} MB/s ($(ratio "${MBPS[$sraw]}" "${MBPS[$lraw]}")x)," \
		"e01 ${MBPS[$se01]} vs ${MBPS[$le01]} MB/s ($(ratio "${MBPS[$se01]}" "${MBPS[$le01]}")x)"
}

# The ledger section's PostgreSQL server: tests/e2e/lib/pg.sh with the
# few helpers of tests/e2e/lib/common.sh it calls.
LEDGER_DB=
ledger_pg_start() {
	skip() { die "ledger: $*"; }
	fail() { die "ledger: $*"; }
	have_tool() { command -v "$1" >/dev/null; }
	defer() { :; }
	# shellcheck source=../e2e/lib/pg.sh
	. "$FX_ROOT/tests/e2e/lib/pg.sh"
	FX_PG_FSYNC=on pg_start
	trap pg_stop EXIT
}

# Before each timed run: an empty case database with its schema (events:
# the writers' only).
ledger_reset_sqlite() {
	rm -f "$LEDGER_DB"*
	"$FX_TESTS_BIN/fx_ledger_append" "$LEDGER_DB" 0 init >/dev/null
}

ledger_reset_pg() {
	# DROP DATABASE refuses a transaction block: one statement per psql -c
	PGOPTIONS="-c client_min_messages=warning" pg_sql postgres "DROP DATABASE IF EXISTS bench" >/dev/null
	pg_sql postgres "CREATE DATABASE bench" >/dev/null
	"$FX_BIN/verify" -q ledger init --db "$(pg_uri postgres bench)" || die "ledger init failed"
	pg_station bench bench_station bench
	"$FX_TESTS_BIN/fx_ledger_append" "$LEDGER_DB" 0 init >/dev/null
}

# ledger_writers DB W N: W fx_ledger_append processes at once, N events in
# all; fails if one does.
ledger_writers() {
	local db=$1 w=$2 n=$3 i pids=()
	for ((i = 1; i <= w; i++)); do
		"$FX_TESTS_BIN/fx_ledger_append" "$db" $((n / w)) "w$i" >/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || return 1
	done
}

section_ledger() {
	local engine w s n=$BENCH_LEDGER_EVENTS per eps
	local -A EPS=() AUD=()
	[[ -x $FX_TESTS_BIN/fx_ledger_append ]] || die "fx_ledger_append not built: $FX_TESTS_BIN"
	ledger_pg_start
	export PGPASSWORD=bench FX_TESTS_BIN
	for engine in sqlite pg; do
		if [[ $engine == sqlite ]]; then
			mkdir -p "$BENCH_DIR/ledger"
			LEDGER_DB=$BENCH_DIR/ledger/case.db
		else
			LEDGER_DB=$(pg_uri bench_station bench)
		fi
		for w in 1 4 8; do
			files_timed "ledger $engine, $w writer(s), $n events" 0 s "ledger_reset_$engine" \
				bash -c "$(declare -f ledger_writers); ledger_writers \"\$@\"" _ \
				"$LEDGER_DB" "$w" "$n"
			EPS[$engine.$w]=$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%.0f", n / s }')
		done
		"ledger_reset_$engine"
		"$FX_TESTS_BIN/fx_ledger_append" "$LEDGER_DB" "$BENCH_LEDGER_AUDIT" audit >/dev/null ||
			die "ledger: $BENCH_LEDGER_AUDIT events into $engine failed"
		files_timed "verify audit $engine, $BENCH_LEDGER_AUDIT events" 0 s true \
			"$FX_BIN/verify" audit --db "$LEDGER_DB"
		AUD[$engine]=$(awk -v s="$s" -v n="$BENCH_LEDGER_AUDIT" 'BEGIN { printf "%.3f", s * 10000 / n }')
		bench_note "ledger $engine: events/s with 1, 4, 8 writers: ${EPS[$engine.1]}, ${EPS[$engine.4]}, ${EPS[$engine.8]};" \
			"verify audit ${AUD[$engine]} s per 10,000 events"
	done
	rm -rf "$BENCH_DIR/ledger"
	pg_stop
	trap - EXIT
	bench_summary "ledger: events/s 1/4/8 writers: SQLite ${EPS[sqlite.1]}/${EPS[sqlite.4]}/${EPS[sqlite.8]}," \
		"PostgreSQL ${EPS[pg.1]}/${EPS[pg.4]}/${EPS[pg.8]} (PostgreSQL/SQLite at 8: $(ratio "${EPS[pg.8]}" "${EPS[sqlite.8]}")x);" \
		"verify audit s/10,000 events: SQLite ${AUD[sqlite]}, PostgreSQL ${AUD[pg]}"
}

# ---- report --------------------------------------------------------------

print_report() {
	local r
	echo
	echo "libforensic benchmark: $(nproc) cores, $(uname -r), input $IMG ($IMG_MIB MiB: 1/3 random, 1/3 zeros, 1/3 text, page-cached)"
	echo "median of $BENCH_RUNS runs; MB = 10^6 bytes; peak RSS = max over runs"
	echo
	printf '%-34s %9s %9s %10s   %s\n' "tool" "median s" "MB/s" "peak MiB" "runs (s)"
	printf '%-34s %9s %9s %10s   %s\n' "----" "--------" "----" "--------" "--------"
	for r in "${ROWS[@]}"; do
		echo "$r"
	done
	echo
	for r in "${NOTES[@]}"; do
		echo "$r"
	done
	echo
	for r in "${SUMMARY[@]}"; do
		echo "SUMMARY: $r"
	done
}

main() {
	local sections=("$@") s cmd
	((${#sections[@]})) || sections=("${BENCH_SECTIONS[@]}")
	[[ -x $FX_BIN/acquire ]] || die "acquire not built: $FX_BIN/acquire (set FX_BIN)"
	if [[ ! -x /usr/bin/time ]]; then
		[[ $(id -u) == 0 ]] || die "/usr/bin/time missing: apt-get install time"
		apt-get install -y time >/dev/null || die "cannot install the time package"
	fi
	for cmd in dc3dd openssl awk; do
		command -v "$cmd" >/dev/null || die "$cmd is not installed"
	done
	for s in "${sections[@]}"; do
		declare -F "section_$s" >/dev/null || die "unknown section '$s' (have: ${BENCH_SECTIONS[*]})"
	done
	# only the ledger section does without the image
	[[ ${sections[*]} == ledger ]] || prepare_image
	for s in "${sections[@]}"; do
		"section_$s"
	done
	rm -rf "$OUT" "$BENCH_DIR/time.txt" "$BENCH_DIR/run.out"
	print_report
}

main "$@"
