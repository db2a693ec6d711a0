#!/usr/bin/env bash
# End to end: both man pages render without a single groff warning (a line
# starting with "." in running text is read as a macro and its words vanish:
# REFUSALS of acquire(1) lost half a sentence), through man(1) as well, and
# say what the tools do: the EWF formats offered, --threads 0.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

# render PAGE: the page as plain text, one paragraph per line (no
# hyphenation, no line breaks inside a paragraph), warnings on stderr.
render() {
	groff -man -Tutf8 -ww -P-cbou -rLL=5000n -rHY=0 "$1"
}

check_page() {
	local page=$1 warnings
	warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1) || fail "groff cannot render $page: $warnings"
	assert_eq "" "$warnings" "groff -ww: no warning in $page"
	if have_tool man; then
		warnings=$(MANWIDTH=80 man --warnings=w -l "$page" 2>&1 >/dev/null) ||
			fail "man -l cannot render $page: $warnings"
		assert_eq "" "$warnings" "man --warnings -l: no warning in $page"
	else
		skip_part "man(1) is not installed: $page rendered with groff only"
	fi
}

main() {
	need_tool groff
	fx_begin
	local acquire verify
	check_page "$FX_ROOT/acquire/acquire.1"
	check_page "$FX_ROOT/verify/verify.1"
	acquire=$(render "$FX_ROOT/acquire/acquire.1" 2>/dev/null)
	verify=$(render "$FX_ROOT/verify/verify.1" 2>/dev/null)
	assert_contains "$acquire" "Nothing is overwritten: if any file of the TARGET set exists (TARGET.raw, .001 ..., .iso, .E01 ..., .log, .sha256), the run is refused." \
		"acquire(1) REFUSALS: the whole sentence"
	assert_contains "$acquire" "encase6 (default), encase5, encase4, encase3, encase2, ftk, linen5, linen6, ewfx. encase7 and linen7 are refused: libewf 20140813 writes them without header sections, so the case metadata would be lost." \
		"acquire(1): the EWF formats offered, and why two are not"
	assert_contains "$acquire" "E01 compression threads, at most 64; 0 (the default) is one per online core." \
		"acquire(1): --threads 0"
	assert_contains "$acquire" "HDD-01.E01 writes HDD-01.E01, not HDD-01.E01.E01" \
		"acquire(1): TARGET's extension"
	assert_contains "$acquire" "--sparse is refused with --format e01 (E01 compresses runs of zeros already) and on a file system that does not keep holes (vfat, exFAT)" \
		"acquire(1): --sparse's refusals"
	assert_contains "$acquire" "-f, --format raw|iso|e01" "acquire(1): the formats, iso among them"
	assert_contains "$(FX_BIN=$FX_BIN "$FX_ACQUIRE" --help)" "-f, --format raw|iso|e01" "acquire --help: the formats, iso among them"
	assert_contains "$(FX_BIN=$FX_BIN "$FX_ACQUIRE" --help)" "--sparse" "acquire --help: --sparse"
	assert_contains "$verify" "No progress line. An image that verified prints nothing (exit status 0 says it); one that did not still prints its summary, so that the reason is seen." \
		"verify(1): -q"
	fx_pass
}

main "$@"
