#!/usr/bin/env bash
# End to end: the installed tree works where it is put. `cmake --install
# BUILD --prefix DIR` into a fresh directory; the installed acquire and
# verify find the installed libforensic (their RPATH is $ORIGIN-relative;
# it used to be stripped: "cannot open shared object file libforensic.so.0")
# and not the build tree's, acquire and verify an image, and a program
# built with pkg-config against the installed forensic.pc runs.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

main() {
	need_tool cmake pkg-config cc ldd
	fx_begin
	local build prefix=$FX_WORK/prefix out pc libdir lib version inc cflags=() abi soname
	build=$(cd "$FX_BIN/.." && pwd)
	[[ -f $build/CMakeCache.txt ]] || fail "no build tree above $FX_BIN"
	out=$(cmake --install "$build" --prefix "$prefix" 2>&1) || fail "cmake --install failed: $out"
	check_ok
	version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
	[[ -n $version ]] || fail "no project version in $build/CMakeCache.txt"
	pc=$(find "$prefix" -name forensic.pc)
	assert_eq 1 "$(grep -c . <<<"$pc")" "one forensic.pc installed"
	libdir=$(dirname "$(dirname "$pc")")
	for f in bin/acquire bin/verify share/man/man1/acquire.1 share/man/man1/verify.1 \
		include/forensic/forensic.h; do
		[[ -f $prefix/$f ]] || fail "not installed: $prefix/$f"
		check_ok
	done
	# the soname carries the ABI version (libforensic/CMakeLists.txt)
	abi=$(sed -n 's/^set(FX_ABI_VERSION \([0-9][0-9]*\))$/\1/p' "$FX_ROOT/libforensic/CMakeLists.txt")
	[[ -n $abi ]] || fail "no FX_ABI_VERSION in libforensic/CMakeLists.txt"
	soname=libforensic.so.$abi
	[[ -e $libdir/$soname ]] || fail "not installed: $libdir/$soname"
	check_ok

	# the tools run from the tree and load its library, not the build's
	for tool in acquire verify; do
		out=$(env -u LD_LIBRARY_PATH "$prefix/bin/$tool" --version 2>&1) ||
			fail "installed $tool --version failed: $out"
		check_ok
		assert_eq "$tool $version" "$(head -n1 <<<"$out")" "installed $tool --version"
		lib=$(env -u LD_LIBRARY_PATH ldd "$prefix/bin/$tool" | awk -v so="$soname" '$1 == so { print $3 }')
		assert_eq "$(readlink -f "$libdir/$soname")" "$(readlink -f "$lib")" \
			"installed $tool loads the installed libforensic"
	done

	# a small acquisition and its verification with the installed tools
	head -c $((2 * 1048576)) /dev/urandom >"$FX_WORK/src.bin"
	assert_exit 0 env -u LD_LIBRARY_PATH "$prefix/bin/acquire" -q "$FX_WORK/src.bin" "$FX_WORK/t"
	assert_eq "$(md5_of "$FX_WORK/src.bin")" "$(log_hash "$FX_WORK/t.log" MD5)" "installed acquire: the image's MD5"
	assert_exit 0 env -u LD_LIBRARY_PATH "$prefix/bin/verify" "$FX_WORK/t.E01"
	assert_eq "verify: $FX_WORK/t.E01: verified" "$(head -n1 "$FX_OUT")" "installed verify: verified"

	# pkg-config against the installed forensic.pc; a library built with
	# sanitizers needs its runtime in the program too
	export PKG_CONFIG_PATH=$libdir/pkgconfig
	assert_eq "$version" "$(pkg-config --modversion forensic)" "pkg-config --modversion forensic"
	inc=$(pkg-config --cflags-only-I forensic | sed -e 's/^-I//' -e 's/ *$//')
	assert_eq "$(readlink -f "$prefix/include")" "$(readlink -f "$inc")" "pkg-config --cflags: the installed headers"
	# (not `| grep -q`: under pipefail, grep quitting early fails the pipe)
	if [[ $(ldd "$libdir/$soname") == *libasan* ]]; then
		cflags=(-fsanitize=address,undefined)
	fi
	cat >"$FX_WORK/hello.c" <<'C'
#include <stdio.h>
#include <forensic/forensic.h>

int main(void)
{
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;

	printf("%s %d\n", fx_version(), fx_acquire_options_check(&o, 512));
	return 0;
}
C
	# shellcheck disable=SC2046 # pkg-config's words are separate flags
	out=$(cc "${cflags[@]}" -o "$FX_WORK/hello" "$FX_WORK/hello.c" $(pkg-config --cflags --libs forensic) \
		-Wl,-rpath,"$libdir" 2>&1) || fail "cannot build against the installed forensic.pc: $out"
	check_ok
	assert_eq "$version 0" "$(env -u LD_LIBRARY_PATH "$FX_WORK/hello")" "a program built with pkg-config runs"
	fx_pass
}

main "$@"
