# fx_faultyfs for the e2e tests: a FUSE file system serving an image as
# MNT/disk that fails reads where it is told to (--bad RANGES), stalls at a
# byte (--stall-at) or vanishes past one (--vanish-at). Sourced after
# common.sh (defer, fail); FX_TESTS_BIN may name where the test tools are.
# shellcheck shell=bash

FX_TESTS_BIN=${FX_TESTS_BIN:-$FX_BIN/../tests}
FAULTYFS=$FX_TESTS_BIN/fx_faultyfs

# faultyfs_unavailable: why a FUSE file system cannot be mounted here
# (nothing when it can).
faultyfs_unavailable() {
	if [[ ! -x $FAULTYFS ]]; then
		echo "fx_faultyfs not built (libfuse3-dev missing at build time: scripts/deps.sh)"
	elif [[ $(id -u) != 0 ]]; then
		echo "needs root to mount a FUSE file system"
	elif [[ ! -c /dev/fuse ]]; then
		echo "no /dev/fuse (fuse module not loaded?)"
	fi
}

# faultyfs_unmount MNT PID: unmounts MNT (lazily if it is busy) and reaps
# the file system's process. Never fails: it also runs at exit.
faultyfs_unmount() {
	umount "$1" 2>/dev/null || umount -l "$1" 2>/dev/null || true
	kill "$2" 2>/dev/null || true
	wait "$2" 2>/dev/null || true
}

# faultyfs_mount DIR IMAGE ARGS...: fx_faultyfs serving IMAGE at
# DIR/mnt/disk with ARGS (--bad is required: "--bad -" for none), its
# stderr appended to DIR/fs.err, unmounted at exit (FS_PID: its pid).
# Returns 1 with the reason in FX_WHY.
faultyfs_mount() {
	local dir=$1 image=$2 i
	shift 2
	mkdir -p "$dir/mnt"
	"$FAULTYFS" --image "$image" "$@" "$dir/mnt" 2>>"$dir/fs.err" &
	FS_PID=$!
	defer faultyfs_unmount "$dir/mnt" "$FS_PID"
	for ((i = 0; i < 100; i++)); do
		[[ -f $dir/mnt/disk ]] && return 0
		if ! kill -0 "$FS_PID" 2>/dev/null; then
			FX_WHY="fx_faultyfs could not mount: $(cat "$dir/fs.err")"
			return 1
		fi
		sleep 0.05
	done
	FX_WHY="$dir/mnt/disk did not appear"
	return 1
}

# mount_source DIR IMAGE ARGS...: faultyfs_mount with no bad sectors; a
# mount that fails fails the test.
mount_source() {
	faultyfs_mount "$1" "$2" --bad - "${@:3}" || fail "$FX_WHY"
}
