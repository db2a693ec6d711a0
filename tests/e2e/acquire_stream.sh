#!/usr/bin/env bash
# Sources that are not a local disk (acquire(1) STREAMS, docs/stream.md).
# Standard input: raw and E01 images of a pipe, with and without --size,
# equal to the source; the record (log, --json, case database) says the
# size was not known in advance and that the source is a stream, not a
# write-blocked device; a pipe shorter or longer than --size, and an empty
# one, fail with the byte count. Remote: `--to-stream | --from-stream`
# through a pipe, through socat over a Unix socket and (when an sshd can
# be started here, on 127.0.0.1, without touching the system) through
# `ssh`, raw and E01, each image equal to the source and its hashes equal
# to a local acquisition's; from a loop device the record carries the
# sender's device facts and write-block; a sender's unreadable sectors
# (a FUSE file with failing sectors) are the receiver's. Damage on the way
# (tests/tools/fx_stream_tamper.py): a flipped byte fails the run with
# exit 1 naming the frame; the same with its checksum recomputed fails
# on the sender's digests (exit 1); a truncated stream exit 4 with the
# byte count; an empty pipe, a newer format version and bytes that are
# no stream exit 4 before anything is written. With a key shared out of
# band (--stream-key), a forgery that redoes every checksum and digest is
# caught by the trailer's HMAC; without one it is not (the stated limit).
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

TAMPER=$FX_ROOT/tests/tools/fx_stream_tamper.py

# from_pipe FILE CMD...: CMD with FILE arriving through a pipe.
from_pipe() {
	local f=$1
	shift
	cat "$f" | "$@"
}

# relay SRC -- RECEIVER...: acquire --to-stream SRC piped into RECEIVER;
# the sender's stderr in $FX_WORK/sender.err, its exit code in
# $FX_WORK/sender.rc. The receiver's exit code is the function's.
relay() {
	local src=$1 rc=0
	shift 2
	{ "$FX_ACQUIRE" -q --to-stream "$src" 2>"$FX_WORK/sender.err" || echo $? >"$FX_WORK/sender.rc"; } | "$@" || rc=$?
	return "$rc"
}

# relay_through FILTER SRC -- RECEIVER...: as relay, in frames of 1 MiB,
# the stream passing through FILTER (a command line, word-split) on its
# way.
relay_through() {
	local filter=$1 src=$2 rc=0
	shift 3
	# shellcheck disable=SC2086 # the filter is a command line
	"$FX_ACQUIRE" -q --to-stream --block-size 1M "$src" 2>"$FX_WORK/sender.err" | $filter | "$@" || rc=$?
	return "$rc"
}

# db_row DB: "status|bytes|error" of the newest acquisition.
db_row() {
	sqlite3 "$1" "SELECT status, bytes_acquired, coalesce(error, '') FROM acquisitions ORDER BY id DESC LIMIT 1"
}

sent_line() {
	printf 'acquire: sent completed, %s bytes, MD5 %s, SHA-1 %s, SHA-256 %s' \
		"$(size_of "$1")" "$(md5_of "$1")" "$(sha1_of "$1")" "$(sha256_of "$1")"
}

test_stdin_unknown_size() {
	local src=$1 d=$FX_WORK/stdin size
	mkdir "$d"
	size=$(size_of "$src")
	assert_exit 0 from_pipe "$src" "$FX_ACQUIRE" -q --json --format raw - "$d/raw"
	cp "$FX_OUT" "$d/raw.json"
	assert_completed_json "$d/raw.json" "$src"
	assert_same_file "$src" "$d/raw.raw" "image of standard input equals the source"
	assert_eq stdin "$(json_read "$d/raw.json" .stream.kind)" "--json: stream kind"
	assert_eq false "$(json_read "$d/raw.json" .stream.size_known)" "--json: size not known in advance"
	assert_eq "standard input" "$(log_value "$d/raw.log" '  Path')" "log: source path"
	assert_eq stream "$(log_value "$d/raw.log" '  Type')" "log: source type"
	assert_eq "not known in advance (the stream is read to its end; what arrived is under Result)" \
		"$(log_value "$d/raw.log" '  Size')" "log: size not known in advance"
	assert_eq "none: a stream, not a device (standard input)" \
		"$(log_value "$d/raw.log" '  Write-block method')" "log: a stream is not write-blocked"
	assert_eq "$size of $size (size not known in advance: what arrived)" \
		"$(log_value "$d/raw.log" 'Bytes acquired')" "log: bytes acquired"
	assert_eq "completed|$size|" "$(db_row "$d/case.db")" "database: completed, every byte"
	assert_eq '{"kind":"stdin","size_known":false}' \
		"$(sqlite3 "$d/case.db" "SELECT json_extract(parameters_json, '\$.stream') FROM acquisitions")" \
		"database: the parameters say a stream of a size not known in advance"
	assert_eq "standard input|none: a stream, not a device (standard input)|" \
		"$(sqlite3 "$d/case.db" "SELECT source_path, write_block_method, coalesce(size_bytes, '') FROM acquisitions")" \
		"database: source path, write-block method, no size in advance"
	assert_sha256_file "$d" raw.sha256 raw.raw

	assert_exit 0 from_pipe "$src" "$FX_ACQUIRE" -q --json - "$d/e01"
	cp "$FX_OUT" "$d/e01.json"
	assert_completed_json "$d/e01.json" "$src"
	assert_ewfverify "$d/e01.E01" "$(md5_of "$src")" "$(sha1_of "$src")"
	assert_ewf_field "$(ewfinfo "$d/e01.E01")" "Media size" \
		"$((size / 1048576)) MiB ($size bytes)" "ewfinfo: the media size is what arrived"
}

test_stdin_size() {
	local src=$1 d=$FX_WORK/stdin-size size
	mkdir "$d"
	size=$(size_of "$src")
	assert_exit 0 from_pipe "$src" "$FX_ACQUIRE" -q --json --format raw --size "$size" - "$d/exact"
	cp "$FX_OUT" "$d/exact.json"
	assert_completed_json "$d/exact.json" "$src"
	assert_eq true "$(json_read "$d/exact.json" .stream.size_known)" "--json: size known"
	assert_eq "$size bytes (--size)" "$(log_value "$d/exact.log" '  Size in advance')" "log: --size"

	assert_exit 4 from_pipe "$src" "$FX_ACQUIRE" -q --format raw --size "$((size + 512))" - "$d/short"
	assert_eq "acquire: failed: source standard input ended at byte $size, $((size + 512)) bytes expected ($size of $((size + 512)) bytes acquired; log $d/short.log)" \
		"$(stderr_of_last)" "fewer bytes than --size: the byte count"
	assert_eq "$size" "$(size_of "$d/short.raw")" "the image holds every byte that arrived"
	assert_eq "failed|$size|source standard input ended at byte $size, $((size + 512)) bytes expected" \
		"$(db_row "$d/case.db")" "database: failed, the bytes written"
	assert_missing "$d/short.sha256" "no TARGET.sha256 for a failed run"

	assert_exit 4 from_pipe "$src" "$FX_ACQUIRE" -q --format raw --size 1M - "$d/long"
	assert_eq "acquire: failed: source standard input holds more than the 1048576 bytes expected: byte 1048576 arrived (1048576 of 1048576 bytes acquired; log $d/long.log)" \
		"$(stderr_of_last)" "more bytes than --size: refused at the byte beyond"
	assert_eq failed "$(log_value "$d/long.log" Status)" "log: failed"

	assert_exit 4 "$FX_ACQUIRE" -q --format raw - "$d/empty" </dev/null
	assert_eq "acquire: failed: source standard input ended before its first byte: nothing arrived (0 of 0 bytes acquired; log $d/empty.log)" \
		"$(stderr_of_last)" "an empty pipe"
	assert_exit 2 "$FX_ACQUIRE" -q --size 1M "$src" "$d/refused"
	assert_eq "acquire: --size is for SOURCE - (standard input) only: a device or a file has its own size (see acquire --help)" \
		"$(stderr_of_last)" "--size with a file SOURCE is refused"
	assert_exit 2 "$FX_ACQUIRE" -q --verify-source - "$d/refused" <"$src"
	assert_eq "acquire: --verify-source: SOURCE is a stream, which cannot be read twice (see acquire --help)" \
		"$(stderr_of_last)" "--verify-source of a stream is refused"
	assert_missing "$d/refused.log" "a refusal writes nothing"
}

# The reference: a local acquisition of the same source.
local_hashes() {
	local src=$1 d=$FX_WORK/local
	mkdir "$d"
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw "$src" "$d/local"
	printf '%s %s %s\n' "$(json_read "$FX_OUT" .hashes.md5)" \
		"$(json_read "$FX_OUT" .hashes.sha1)" "$(json_read "$FX_OUT" .hashes.sha256)" >"$d/hashes"
}

# check_remote JSON SRC IMAGE: a remote run equal to the local one.
check_remote() {
	local json=$1 src=$2 image=$3 sender=${4:-$(hostname)}
	assert_completed_json "$json" "$src"
	assert_eq "$(cat "$FX_WORK/local/hashes")" "$(json_read "$json" .hashes.md5) $(json_read "$json" .hashes.sha1) $(json_read "$json" .hashes.sha256)" \
		"remote hashes equal the local acquisition's"
	assert_eq framed "$(json_read "$json" .stream.kind)" "--json: a framed stream"
	assert_eq "$sender" "$(json_read "$json" .stream.sender.host)" "--json: the sender's host"
	assert_eq "$(sha256_of "$src")" "$(json_read "$json" .stream.sender.hashes.sha256)" "--json: the sender's SHA-256"
	assert_eq "$(sent_line "$src")" "$(tail -n1 "$FX_WORK/sender.err")" "the sender's last line: what it sent"
	if [[ $image == *.raw ]]; then
		assert_same_file "$src" "$image" "remote raw image equals the source"
	else
		assert_ewfverify "$image" "$(md5_of "$src")" "$(sha1_of "$src")"
	fi
}

test_pipe() {
	local src=$1 d=$FX_WORK/pipe
	mkdir "$d"
	assert_exit 0 relay "$src" -- "$FX_ACQUIRE" -q --json --format raw --from-stream - "$d/raw"
	cp "$FX_OUT" "$d/raw.json"
	check_remote "$d/raw.json" "$src" "$d/raw.raw"
	assert_eq "$(hostname):$src" "$(log_value "$d/raw.log" '  Path')" "log: the source is the sender's file on its host"
	assert_eq "none: regular file opened O_RDONLY, by the sender on $(hostname)" \
		"$(log_value "$d/raw.log" '  Write-block method')" "log: the sender's write-block"
	assert_eq "$(sha256_of "$src")" "$(log_value "$d/raw.log" '  SHA-256 (sender)')" "log: the sender's SHA-256"
	assert_sha256_file "$d" raw.sha256 raw.raw
	assert_exit 0 relay "$src" -- "$FX_ACQUIRE" -q --json --from-stream - "$d/e01"
	cp "$FX_OUT" "$d/e01.json"
	check_remote "$d/e01.json" "$src" "$d/e01.E01"
	# a stream saved to a file is received from the file
	"$FX_ACQUIRE" -q --to-stream "$src" >"$FX_WORK/saved.stream" 2>/dev/null
	assert_exit 0 "$FX_ACQUIRE" -q --json --format raw --from-stream "$FX_WORK/saved.stream" "$d/file"
	assert_same_file "$src" "$d/file.raw" "image of a saved stream equals the source"
}

test_socat() {
	local src=$1 d=$FX_WORK/socat sock pid
	if ! have_tool socat; then
		skip_part "socat is not installed: the Unix-socket relay is not tested"
		return
	fi
	mkdir "$d"
	sock=$d/relay.sock
	socat -u "UNIX-LISTEN:$sock" STDOUT | "$FX_ACQUIRE" -q --json --from-stream - "$d/e01" \
		>"$d/e01.json" 2>"$d/receiver.err" &
	pid=$!
	for _ in $(seq 100); do [[ -S $sock ]] && break; sleep 0.05; done
	"$FX_ACQUIRE" -q --to-stream "$src" 2>"$FX_WORK/sender.err" | socat -u STDIN "UNIX-CONNECT:$sock"
	wait "$pid" || fail "receiver over socat failed: $(cat "$d/receiver.err")"
	check_ok
	check_remote "$d/e01.json" "$src" "$d/e01.E01"
}

# An sshd of our own on 127.0.0.1, its keys and configuration in $FX_WORK:
# nothing of the system's ssh set-up is read or changed.
test_ssh() {
	local src=$1 d=$FX_WORK/ssh port sshd
	sshd=$(command -v sshd || true)
	[[ -z $sshd && -x /usr/sbin/sshd ]] && sshd=/usr/sbin/sshd
	if [[ -z $sshd ]] || ! have_tool ssh || ! have_tool ssh-keygen; then
		skip_part "no sshd/ssh/ssh-keygen here: the relay through ssh localhost is not tested (the pipe and socat relays are)"
		return
	fi
	mkdir "$d"
	ssh-keygen -q -t ed25519 -N '' -f "$d/host" && ssh-keygen -q -t ed25519 -N '' -f "$d/user"
	cp "$d/user.pub" "$d/authorized_keys"
	port=$((20000 + RANDOM % 20000))
	cat >"$d/sshd_config" <<-CONF
		ListenAddress 127.0.0.1
		Port $port
		HostKey $d/host
		AuthorizedKeysFile $d/authorized_keys
		PidFile $d/sshd.pid
		StrictModes no
		UsePAM no
		PasswordAuthentication no
		PermitRootLogin prohibit-password
	CONF
	if ! "$sshd" -f "$d/sshd_config" -E "$d/sshd.log"; then
		skip_part "sshd would not start on 127.0.0.1:$port: $(cat "$d/sshd.log" 2>/dev/null)"
		return
	fi
	defer kill "$(cat "$d/sshd.pid" 2>/dev/null || echo 0)"
	for _ in $(seq 50); do [[ -s $d/sshd.pid ]] && break; sleep 0.1; done
	assert_exit 0 bash -c 'ssh -p "$1" -i "$2/user" -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o BatchMode=yes 127.0.0.1 "$3" -q --to-stream "$4" 2>"$5" | "$3" -q --json --format raw --from-stream - "$2/raw"' \
		_ "$port" "$d" "$FX_ACQUIRE" "$src" "$FX_WORK/sender.err"
	cp "$FX_OUT" "$d/raw.json"
	check_remote "$d/raw.json" "$src" "$d/raw.raw"
}

test_loop_device() {
	local src=$1 d=$FX_WORK/loop why dev
	why=$(loop_unavailable)
	if [[ -n $why ]]; then
		skip_part "$why: --to-stream of a write-blocked device is not tested"
		return
	fi
	mkdir "$d"
	cp "$src" "$d/backing.img"
	loop_attach "$d/backing.img" || { skip_part "$FX_WHY"; return; }
	dev=$FX_LOOP_DEV
	assert_exit 0 relay "$dev" -- "$FX_ACQUIRE" -q --json --from-stream - "$d/disk"
	cp "$FX_OUT" "$d/disk.json"
	check_remote "$d/disk.json" "$src" "$d/disk.E01"
	assert_eq "$(hostname):$dev" "$(log_value "$d/disk.log" '  Path')" "log: the sender's device"
	assert_eq "BLKROSET, by the sender on $(hostname)" \
		"$(log_value "$d/disk.log" '  Write-block method')" "log: the sender write-blocked the device"
	assert_eq "$dev (block device)" "$(log_value "$d/disk.log" '  Sender device')" "log: the sender's device kind"
	assert_contains "$(log_value "$d/disk.log" '  Read-only at start')" "${dev#/dev/}=1" \
		"log: the device was read-only when the sender read it"
	assert_eq 1 "$(blockdev --getro "$dev")" "the sender left the device write-blocked"
	assert_contains "$(ewfinfo "$d/disk.E01")" "Is physical:		yes" "E01 of the sender's disk is physical"
}

test_damage() {
	local src=$1 d=$FX_WORK/damage saved where head md5x
	mkdir "$d"
	saved=$FX_WORK/damage.stream
	"$FX_ACQUIRE" -q --to-stream --block-size 1M "$src" >"$saved" 2>/dev/null
	read -r where _ _ < <(python3 "$TAMPER" where 20 <"$saved")
	assert_exit 1 relay_through "python3 $TAMPER flip 20" "$src" -- \
		"$FX_ACQUIRE" -q --format raw --from-stream - "$d/flip"
	assert_eq "acquire: failed: frame 20 of the stream from standard input (media offset 20971520, stream byte $where) fails its CRC-32 checksum: the stream was changed on its way (20971520 of $(size_of "$src") bytes acquired; log $d/flip.log)" \
		"$(stderr_of_last)" "a flipped byte: exit 1 naming the frame"
	assert_eq 20971520 "$(size_of "$d/flip.raw")" "the damaged frame never reached the image"
	assert_eq failed "$(log_value "$d/flip.log" Status)" "log: failed"
	assert_eq "failed|20971520|frame 20 of the stream from standard input (media offset 20971520, stream byte $where) fails its CRC-32 checksum: the stream was changed on its way" \
		"$(db_row "$d/case.db")" "database: failed at the frame, the bytes written"
	assert_missing "$d/flip.sha256" "no TARGET.sha256"

	# the checksum recomputed: only the sender's digests can tell
	python3 - "$src" "$d/flipped" <<-'PY'
		import sys
		d = bytearray(open(sys.argv[1], "rb").read())
		d[20 * 1048576 + 524288] ^= 1
		open(sys.argv[2], "wb").write(d)
	PY
	md5x=$(md5_of "$d/flipped")
	assert_exit 1 relay_through "python3 $TAMPER flip-recrc 20" "$src" -- \
		"$FX_ACQUIRE" -q --format raw --from-stream - "$d/recrc"
	assert_eq "acquire: failed: what arrived from $(hostname):$src does not hash to what the sender read: md5 $md5x arrived, the sender read $(md5_of "$src") (every frame passed its checksum) ($(size_of "$src") of $(size_of "$src") bytes acquired; log $d/recrc.log)" \
		"$(stderr_of_last)" "checksums recomputed: exit 1 on the sender's digests"
	assert_eq failed "$(log_value "$d/recrc.log" Status)" "log: a digest mismatch is no completed image"

	head=$(python3 "$TAMPER" header <"$saved")
	local cut=$((head + 3 * (32 + 1048576) + 100))
	assert_exit 4 relay_through "head -c $cut" "$src" -- \
		"$FX_ACQUIRE" -q --format raw --from-stream - "$d/cut"
	assert_eq "acquire: failed: stream from standard input ended after $cut bytes, inside frame 3 (68 of its 1048576 payload bytes): truncated, the sender's trailer never came (3 frames and 3145728 media bytes arrived whole) (3145728 of $(size_of "$src") bytes acquired; log $d/cut.log)" \
		"$(stderr_of_last)" "a truncated stream: exit 4 with the byte count"
	assert_eq 3145728 "$(size_of "$d/cut.raw")" "the image holds the whole frames that arrived"
	assert_eq "failed|3145728" "$(db_row "$d/case.db" | cut -d'|' -f1,2)" "database: the bytes written"

	assert_exit 4 "$FX_ACQUIRE" -q --from-stream - "$d/empty" </dev/null
	assert_eq "acquire: standard input is empty: no stream arrived (0 bytes; see the sender's messages)" \
		"$(stderr_of_last)" "an empty pipe"
	assert_missing "$d/empty.log" "an empty pipe writes nothing"
	assert_exit 4 from_pipe "$saved" bash -c "python3 $TAMPER version 2 | $FX_ACQUIRE -q --from-stream - $d/newer"
	assert_eq "acquire: standard input is a stream of format version 2, newer than this acquire reads (up to version 1): receive it with an acquire as new as the sender's" \
		"$(stderr_of_last)" "a newer format version"
	assert_missing "$d/newer.log" "a newer stream writes nothing"
	assert_exit 4 from_pipe "$src" "$FX_ACQUIRE" -q --from-stream - "$d/garbage"
	assert_eq "acquire: standard input is not an acquire stream: it does not begin with \"FXSTREAM\" (was it written by acquire --to-stream?)" \
		"$(stderr_of_last)" "bytes that are no stream"
	assert_missing "$d/garbage.E01" "garbage writes nothing"
	assert_exit 2 "$FX_ACQUIRE" --to-stream "$src" "$d/x"
	assert_eq "acquire: --to-stream: expected SOURCE only (the stream goes to standard output) (see acquire --help)" \
		"$(stderr_of_last)" "--to-stream takes no TARGET"
	assert_exit 2 bash -o pipefail -c '"$1" --to-stream --json "$2" | cat' _ "$FX_ACQUIRE" "$src"
	assert_eq "acquire: --json: with --to-stream, standard output carries the stream (the receiver's --json says what arrived) (see acquire --help)" \
		"$(stderr_of_last)" "--json would corrupt the stream: refused"
	assert_eq "" "$(stdout_of_last)" "a refused --to-stream sends nothing"
	assert_exit 4 bash -c '"$1" -q --to-stream --hash sha1 "$2" 2>/dev/null | "$1" -q --hash md5 --format raw --from-stream - "$3"' \
		_ "$FX_ACQUIRE" "$src" "$d/nohash"
	assert_eq "acquire: failed: what arrived from $(hostname):$src cannot be compared with what the sender read: it hashed sha1, this run md5 (give --hash with one of the sender's) ($(size_of "$src") of $(size_of "$src") bytes acquired; log $d/nohash.log)" \
		"$(stderr_of_last)" "no hash in common with the sender: not proven whole, exit 4"
}

# The sender's unreadable sectors (a FUSE file whose sectors 100+8 and
# 5000+3 fail, tests/tools/fx_faultyfs): sent as zeros and listed, so the
# receiver's image, record and E01 acquisition errors are the sender's.
test_sender_unreadable() {
	local d=$FX_WORK/unreadable faultyfs=${FX_TESTS_BIN:-$FX_ROOT/build/tests}/fx_faultyfs pid
	if [[ ! -x $faultyfs || $(id -u) != 0 || ! -c /dev/fuse ]]; then
		skip_part "fx_faultyfs, root or /dev/fuse missing: a sender's unreadable sectors are not tested"
		return
	fi
	mkdir -p "$d/mnt"
	d=$(realpath "$d")
	head -c 8388608 /dev/zero | openssl enc -aes-128-ctr -nosalt \
		-K 000102030405060708090a0b0c0d0e0f -iv 0f0e0d0c0b0a09080706050403020100 >"$d/source"
	"$faultyfs" --image "$d/source" --bad 100+8,5000+3 "$d/mnt" 2>"$d/fs.err" &
	pid=$!
	defer kill "$pid"
	defer umount -l "$d/mnt"
	for _ in $(seq 100); do [[ -f $d/mnt/disk ]] && break; sleep 0.05; done
	if [[ ! -f $d/mnt/disk ]]; then
		skip_part "fx_faultyfs did not mount: $(cat "$d/fs.err")"
		return
	fi
	zero_filled_copy "$d/source" "$d/expected" 512 100+8 5000+3
	assert_exit 3 relay "$d/mnt/disk" -- "$FX_ACQUIRE" -q --json --from-stream - "$d/t"
	cp "$FX_OUT" "$d/t.json"
	assert_eq completed_with_errors "$(json_read "$d/t.json" .status)" "--json status"
	assert_eq "$(sha256_of "$d/expected")" "$(json_read "$d/t.json" .hashes.sha256)" \
		"the receiver's SHA-256 is that of the zero-filled source"
	assert_eq "11 in 2 range(s) (first sector, count), zero-filled in the image:" \
		"$(log_value "$d/t.log" 'Unreadable sectors')" "log: the sender's unreadable sectors"
	assert_file_line "$d/t.log" "  100, 8" "log lists 100+8"
	assert_file_line "$d/t.log" "  5000, 3" "log lists 5000+3"
	assert_ewf_errors "$d/t.E01" 100+8 5000+3
	assert_eq 3 "$(cat "$FX_WORK/sender.rc")" "the sender exits 3"
	assert_eq "acquire: 11 unreadable sectors in 2 range(s), sent as zeros and listed in the stream" \
		"$(grep '^acquire: [0-9]* unreadable' "$FX_WORK/sender.err")" "the sender says what it could not read"
	rm -f "$FX_WORK/sender.rc"
}

# A key shared out of band (--stream-key at both ends): the trailer's
# HMAC-SHA256 binds the sender's digests. A forgery that recomputes every
# CRC and the trailer's digests completes without a key -- a checksum is
# not a signature, as docs/stream.md says -- and fails with one.
test_keyed() {
	local src=$1 d=$FX_WORK/keyed size
	mkdir "$d"
	size=$(size_of "$src")
	head -c 32 /dev/urandom >"$d/key"
	head -c 32 /dev/urandom >"$d/other"
	assert_exit 0 bash -o pipefail -c '"$1" -q --to-stream --stream-key "$2" "$3" 2>/dev/null | "$1" -q --json --format raw --stream-key "$2" --from-stream - "$4"' \
		_ "$FX_ACQUIRE" "$d/key" "$src" "$d/ok"
	assert_same_file "$src" "$d/ok.raw" "a keyed stream: the image equals the source"
	assert_exit 1 bash -c '"$1" -q --to-stream --stream-key "$2" --block-size 1M "$3" 2>/dev/null | "$1" -q --format raw --stream-key "$4" --from-stream - "$5"' \
		_ "$FX_ACQUIRE" "$d/key" "$src" "$d/other" "$d/wrong"
	assert_contains "$(stderr_of_last)" "is a trailer whose HMAC-SHA256 does not match the key: the stream was changed on its way, or sent with another key ($size of $size bytes acquired;" \
		"another key: exit 1 on the trailer"
	assert_eq failed "$(log_value "$d/wrong.log" Status)" "log: an unauthenticated stream is no completed image"
	assert_exit 2 bash -c '"$1" -q --to-stream --stream-key "$2" "$3" 2>/dev/null | "$1" -q --from-stream - "$4"' \
		_ "$FX_ACQUIRE" "$d/key" "$src" "$d/nokey"
	assert_eq "acquire: stream from standard input is authenticated (HMAC-SHA256): give the key it was sent with (--stream-key)" \
		"$(stderr_of_last)" "a keyed stream without the key: refused"
	assert_exit 1 bash -c '"$1" -q --to-stream "$3" 2>/dev/null | "$1" -q --stream-key "$2" --from-stream - "$4"' \
		_ "$FX_ACQUIRE" "$d/key" "$src" "$d/stripped"
	assert_eq "acquire: stream from standard input carries no HMAC, but a key was given: it was not sent with --stream-key, or its header was changed" \
		"$(stderr_of_last)" "a key for a stream without a MAC: refused, exit 1"
	assert_missing "$d/stripped.log" "refused before anything is written"
	# the forgery: a flipped byte, every CRC and the trailer's digests redone
	assert_exit 0 relay_through "python3 $TAMPER forge 20" "$src" -- \
		"$FX_ACQUIRE" -q --format raw --from-stream - "$d/forged"
	assert_ne "$(sha256_of "$src")" "$(sha256_of "$d/forged.raw")" \
		"without a key a forged stream completes (the limit docs/stream.md states)"
	assert_exit 1 bash -c '"$1" -q --to-stream --stream-key "$2" --block-size 1M "$3" 2>/dev/null | python3 "$4" forge 20 | "$1" -q --format raw --stream-key "$2" --from-stream - "$5"' \
		_ "$FX_ACQUIRE" "$d/key" "$src" "$TAMPER" "$d/forged-keyed"
	assert_contains "$(stderr_of_last)" "is a trailer whose HMAC-SHA256 does not match the key" \
		"with a key the forgery fails on the trailer"
	printf 'short' >"$d/short"
	assert_exit 2 "$FX_ACQUIRE" --to-stream --stream-key "$d/short" "$src"
	assert_eq "acquire: --stream-key $d/short: fewer than 16 bytes (a key is 16 to 4096 bytes: head -c 32 /dev/urandom >KEY) (see acquire --help)" \
		"$(stderr_of_last)" "a short key is refused"
	assert_exit 2 "$FX_ACQUIRE" --stream-key "$d/key" "$src" "$d/local"
	assert_eq "acquire: --stream-key is for the two ends of a stream, --to-stream and --from-stream (see acquire --help)" \
		"$(stderr_of_last)" "--stream-key without a stream is refused"
}

main() {
	need_tool ewfverify ewfinfo python3 sqlite3
	fx_begin
	local src
	src=$(sample_disk)
	local_hashes "$src"
	test_stdin_unknown_size "$src"
	test_stdin_size "$src"
	test_pipe "$src"
	test_socat "$src"
	test_ssh "$src"
	test_loop_device "$src"
	test_sender_unreadable
	test_damage "$src"
	test_keyed "$src"
	fx_pass
}

main "$@"
