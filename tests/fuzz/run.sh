#!/usr/bin/env bash
# run.sh SECONDS: fuzzes the image-reading path (fuzz_image.c) for SECONDS
# with libFuzzer, starting from the fixed corpus (tests/fuzz/corpus). CI
# calls it with a fixed budget.
#
# Builds the target with clang in $FX_FUZZ_BUILD (default build-fuzz in the
# repository). New inputs go to a scratch directory, never into the
# repository's corpus. Exit 0 when no input crashed, hung (-timeout) or made
# the target report success for a wrong medium; otherwise 1, with the
# offending input saved under $FX_FUZZ_BUILD/fuzz-artifacts/: fix the bug,
# then copy the input into tests/fuzz/corpus/ (name it crash-<what>) so that
# ctest's fuzz_image_corpus replays it from then on.
# Environment: FX_FUZZ_CC (clang), FX_FUZZ_BUILD, FX_FUZZ_TIMEOUT (30 s per
# input), FX_FUZZ_KEEP=1 keeps the scratch corpus.
set -euo pipefail

secs=${1:-}
[[ $secs =~ ^[0-9]+$ && $secs -gt 0 ]] || { echo "usage: run.sh SECONDS" >&2; exit 2; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${FX_FUZZ_BUILD:-$root/build-fuzz}
cc=${FX_FUZZ_CC:-}
if [[ -z $cc ]]; then
	for c in clang clang-14 clang-15 clang-16; do
		command -v "$c" >/dev/null && { cc=$c; break; }
	done
fi
[[ -n $cc ]] || { echo "run.sh: clang is needed for libFuzzer" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_image -j"$(nproc)" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/fxfuzz-corpus.XXXXXX")
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
cleanup() { [[ -n ${FX_FUZZ_KEEP:-} ]] || rm -rf "$work"; }
trap cleanup EXIT
cp "$root"/tests/fuzz/corpus/* "$work"/

echo "run.sh: fuzzing for $secs s from $(find "$work" -type f | wc -l) corpus files ($cc, $build/tests/fuzz_image)"
rc=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
	"$build/tests/fuzz_image" -max_total_time="$secs" \
	-timeout="${FX_FUZZ_TIMEOUT:-30}" -rss_limit_mb=3072 -max_len=4194304 \
	-artifact_prefix="$artifacts/" -print_final_stats=1 "$work" \
	>"$build/fuzz.log" 2>&1 || rc=$?
grep -E '^#[0-9]+ +(DONE|INITED)|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
	"$build/fuzz.log" || true
echo "run.sh: corpus now $(find "$work" -type f | wc -l) inputs; full log $build/fuzz.log"
if ((rc != 0)); then
	echo "run.sh: FAILED (exit $rc): see $build/fuzz.log; inputs in $artifacts:" >&2
	ls -l "$artifacts" >&2
	grep -E 'ERROR|SUMMARY|fuzz:|deadly signal|timeout' "$build/fuzz.log" | head -20 >&2
	exit 1
fi
echo "run.sh: no crash, hang or false success in $secs s"
