#!/usr/bin/env bash
# End to end: both man pages render without a single groff warning (a line
# starting with "." in running text is read as a macro and its words vanish:
# REFUSALS of acquire(1) lost half a sentence), through man(1) as well, and
# say what the tools do: the EWF formats offered, --threads 0, --copy.
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
	assert_contains "$acquire" "Without --source-format a file is imaged as its bytes. When it looks like a container" \
		"acquire(1): VIRTUAL DISKS, a container imaged as raw"
	assert_contains "$("$FX_ACQUIRE" --help)" "      --source-format raw|vmdk|vhd|vhdx|qcow2" \
		"acquire --help: --source-format"
	assert_contains "$acquire" "--source-format raw|vmdk|vhd|vhdx|qcow2" \
		"acquire(1): --source-format, as --help spells its values"
	assert_contains "$acquire" "--sparse is refused with --format e01 (E01 compresses runs of zeros already) and on a file system that does not keep holes (vfat, exFAT)" \
		"acquire(1): --sparse's refusals"
	assert_contains "$acquire" "-f, --format raw|iso|e01" "acquire(1): the formats, iso among them"
	assert_contains "$(FX_BIN=$FX_BIN "$FX_ACQUIRE" --help)" "-f, --format raw|iso|e01" "acquire --help: the formats, iso among them"
	assert_contains "$(FX_BIN=$FX_BIN "$FX_ACQUIRE" --help)" "--sparse" "acquire --help: --sparse"
	assert_contains "$acquire" "json: one JSON object per line for programs (see PROGRESS)." \
		"acquire(1): --progress"
	assert_contains "$acquire" "The last line of every run whose command line was accepted has phase done, exit (the exit status)" \
		"acquire(1): PROGRESS, the done line"
	assert_contains "$verify" "the last line of the command is done with exit (the exit status), status (verified, mismatch, refused, error, interrupted) and images." \
		"verify(1): --progress"
	assert_contains "$acquire" "The format of the --copy given just before it: raw is one .raw file, split-raw raw files of --segment-size bytes, e01 an E01 set" \
		"acquire(1): --copy-format"
	assert_contains "$acquire" "the run then exits 4, and the log, --json and the database say which destination failed at which byte." \
		"acquire(1): --copy, a copy that fails"
	assert_contains "$acquire" "a frame that fails its CRC-32 or comes out of sequence fails the run with exit 1, naming the frame (sequence number, media offset, stream byte), and so do media that do not hash to what the sender read (the two ends must share one algorithm of --hash, or the run fails with exit 4: nothing would prove it whole)." \
		"acquire(1) STREAMS: what fails a received stream"
	assert_contains "$("$FX_ACQUIRE" --help)" "      --to-stream            write-block and identify SOURCE, send it as a framed" \
		"acquire --help: --to-stream"
	# every option acquire --help lists is documented (but --help and --version)
	local opt
	for opt in $("$FX_ACQUIRE" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		[[ $opt == --help || $opt == --version ]] && continue
		assert_contains "$acquire" "$opt" "acquire(1) documents $opt (from acquire --help)"
	done
	assert_contains "$verify" "No progress line. An image that verified prints nothing (exit status 0 says it); one that did not still prints its summary, so that the reason is seen." \
		"verify(1): -q"
	assert_contains "$verify" "VHD and VMDK hold whole 512-byte sectors: a media whose size is not a multiple of 512 is refused (exit 2, naming the size) before anything is read." \
		"verify(1): export's whole sectors"
	# the report formats: the same list in verify(1) and verify --help
	local help
	help=$("$FX_BIN/verify" --help)
	assert_contains "$verify" "verify report (--case ID | --evidence ID [--case ID]) --format html|text|json|dfxml|case [-o FILE]" \
		"verify(1) SYNOPSIS: the report formats"
	assert_contains "$help" "--format html|text|json|dfxml|case [-o FILE] [--db PATH]" \
		"verify --help: the report formats"
	assert_contains "$verify" "in one of five formats: text (78 columns, for print), html (one self-contained file, print CSS), json (schemas/report.schema.json), dfxml (DFXML 2.0.0-beta.0) or case (CASE 1.4 / UCO 1.4 JSON-LD:" \
		"verify(1): what each report format is"
	fx_pass
}

main "$@"
