#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds with warnings as
# errors and runs every test; then again under AddressSanitizer and
# UndefinedBehaviorSanitizer; then the fuzz target for a fixed budget.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
fuzz_seconds=${FX_FUZZ_SECONDS:-60}

bash "$root/scripts/deps.sh"

run_suite() {
	local dir=$1
	shift
	echo "== build $dir $*"
	bash "$root/scripts/build.sh" "$dir" "$@"
	echo "== ctest in $dir"
	(cd "$dir" && ctest --output-on-failure --timeout 1800)
}

run_suite "$root/build"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions=$root/tests/lsan.supp:print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite "$root/build-sanitize" -DFX_SANITIZE="address;undefined" \
	-DCMAKE_BUILD_TYPE=Debug

if [ -x "$root/tests/fuzz/run.sh" ] || [ -f "$root/tests/fuzz/run.sh" ]; then
	echo "== fuzzing the image reader for ${fuzz_seconds}s"
	bash "$root/tests/fuzz/run.sh" "$fuzz_seconds"
fi
echo "test.sh: all suites passed"
