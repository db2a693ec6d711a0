#!/usr/bin/env bash
# End to end: acquire --format raw on the sample disk (tests/data/make-disk.sh).
# Every value is checked against an independent tool: cmp, md5sum, sha1sum,
# sha256sum, head, sleuthkit (mmls, fls, icat) on the image.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"

readonly MIB=1048576

# acquire_json OUTFILE ARGS...: runs acquire ARGS --json, expects exit 0, keeps
# stdout (one JSON line) in OUTFILE.
acquire_json() {
	local json=$1
	shift
	assert_exit 0 "$FX_ACQUIRE" -q --json "$@"
	cp "$FX_OUT" "$json"
	assert_eq 1 "$(wc -l <"$json")" "--json prints exactly one line on stdout"
}

# The partitions and their known files, read back from the image by
# sleuthkit: the image is a usable copy of the disk, not just equal bytes.
check_sleuthkit() {
	local img=$1 src=$2 part start listing listing_p path want inode got
	listing=$(mmls "$img") || fail "mmls cannot read the raw image: $listing"
	for part in 1 2; do
		start=$(manifest_start "$src" "$part")
		[[ -n $start ]] || fail "manifest of $src has no partition $part"
		# mmls: "004:  000  0000002048  0000049151  0000047104  fxsample-ext4"
		assert_eq 1 "$(printf '%s\n' "$listing" |
			awk -v s="$start" '$3 + 0 == s && $6 ~ /^fxsample-/ { n++ } END { print n + 0 }')" \
			"mmls lists partition $part starting at sector $start"
		listing_p=$(fls -r -p -o "$start" "$img") ||
			fail "fls cannot read partition $part: $listing_p"
		while read -r path want; do
			inode=$(printf '%s\n' "$listing_p" |
				awk -F'\t' -v p="$path" '$2 == p { split($1, a, " "); sub(/:$/, "", a[2]); print a[2]; exit }')
			[[ -n $inode ]] || fail "fls -r -p on partition $part does not list $path:"$'\n'"$listing_p"
			check_ok
			got=$(icat -o "$start" "$img" "$inode" | sha256sum | cut -d' ' -f1)
			assert_eq "$want" "$got" "icat of $path (partition $part, inode $inode) vs the known file"
		done < <(manifest_files "$src" "$part")
	done
}

test_single_raw() {
	local src=$1 dir=$FX_WORK/single
	mkdir "$dir"
	acquire_json "$dir/run.json" --format raw "$src" "$dir/case1"
	assert_same_file "$src" "$dir/case1.raw" "case1.raw equals the source byte for byte"
	assert_json_completed "$dir/run.json" "$src"
	assert_eq 1 "$(json_get "$dir/run.json" '.files#')" "--json lists one image file"
	assert_eq "$dir/case1.raw" "$(json_get "$dir/run.json" '.files[0].path')" "--json files[0].path"
	assert_eq "$(size_of "$src")" "$(json_get "$dir/run.json" '.files[0].size')" "--json files[0].size"
	assert_eq "$(sha256_of "$src")" "$(json_get "$dir/run.json" '.files[0].sha256')" "--json files[0].sha256"
	assert_eq 0 "$(json_get "$dir/run.json" '.windows#')" "no hash windows unless asked"
	assert_eq raw "$(json_get "$dir/run.json" .format)" "--json format"
	assert_eq "$dir/case1.log" "$(json_get "$dir/run.json" .log)" "--json log path"
	assert_sha256_file "$dir" case1.sha256 case1.raw
	assert_log_completed "$dir/case1.log" "$src"
	assert_eq "$FX_ACQUIRE -q --json --format raw $src $dir/case1" \
		"$(log_value "$dir/case1.log" 'Command line')" "log: Command line"
	assert_eq "$src" "$(log_value "$dir/case1.log" '  Path')" "log: source path"
	assert_eq "1048576 bytes" "$(log_value "$dir/case1.log" '  Block size')" "log: default block size for raw"
	assert_eq "regular file" "$(log_value "$dir/case1.log" '  Type')" "log: source type"
	assert_eq "$(size_of "$src") bytes ($(($(size_of "$src") / 512)) sectors of 512 bytes)" \
		"$(log_value "$dir/case1.log" '  Size')" "log: source size"
	assert_eq "none: regular file opened O_RDONLY" \
		"$(log_value "$dir/case1.log" '  Write-block method')" "log: write-block method of a file"
	assert_file_line "$dir/case1.log" \
		"  $dir/case1.raw, $(size_of "$src"), $(sha256_of "$src")" "log lists the image file"
	assert_eq "$(ls "$dir")" "$(printf '%s\n' case.db case1.log case1.raw case1.sha256 run.json)" \
		"exactly the image, log, sha256 file and case database are written"
	check_sleuthkit "$dir/case1.raw" "$src"
}

test_split_raw() {
	local src=$1 dir=$FX_WORK/split seg=$((5 * MIB)) size count i name names=() want_size
	mkdir "$dir"
	size=$(size_of "$src")
	count=$(((size + seg - 1) / seg))
	acquire_json "$dir/run.json" --format raw --segment-size 5M "$src" "$dir/case2"
	assert_json_completed "$dir/run.json" "$src"
	assert_eq "$count" "$(find "$dir" -name 'case2.[0-9]*' | wc -l)" "number of segments for $size bytes in 5M"
	assert_missing "$dir/case2.raw" "a split image writes no .raw"
	assert_missing "$dir/case2.$(printf '%03d' $((count + 1)))" "no segment past the last"
	assert_eq "$count" "$(json_get "$dir/run.json" '.files#')" "--json lists every segment"
	for ((i = 1; i <= count; i++)); do
		name=$(printf 'case2.%03d' "$i")
		names+=("$name")
		want_size=$seg
		((i < count)) || want_size=$((size - (count - 1) * seg))
		assert_eq "$want_size" "$(size_of "$dir/$name")" "size of $name"
		assert_eq "$dir/$name" "$(json_get "$dir/run.json" ".files[$((i - 1))].path")" "--json files[$((i - 1))].path"
		assert_eq "$want_size" "$(json_get "$dir/run.json" ".files[$((i - 1))].size")" "--json size of $name"
		assert_eq "$(sha256_of "$dir/$name")" "$(json_get "$dir/run.json" ".files[$((i - 1))].sha256")" \
			"--json sha256 of $name vs sha256sum"
		assert_file_line "$dir/case2.log" \
			"  $dir/$name, $want_size, $(sha256_of "$dir/$name")" "log lists $name"
	done
	assert_eq $((size - (count - 1) * seg)) $((size % seg)) "the sample disk is not a multiple of 5M (last segment is short)"
	cat "${names[@]/#/$dir/}" >"$dir/joined"
	assert_same_file "$src" "$dir/joined" "concatenated segments equal the source"
	rm "$dir/joined"
	assert_sha256_file "$dir" case2.sha256 "${names[@]}"
	assert_log_completed "$dir/case2.log" "$src"
	assert_eq "$seg bytes" "$(log_value "$dir/case2.log" '  Segment size')" "log: Segment size"
}

# check_windows JSON SRC WINDOW: the windows tile the source, each hash equal
# to sha256sum of that slice.
check_windows() {
	local json=$1 src=$2 win=$3 size count i off len
	size=$(size_of "$src")
	count=$(((size + win - 1) / win))
	assert_eq "$count" "$(json_get "$json" '.windows#')" "number of $win-byte windows over $size bytes"
	assert_eq "$(head -c "$win" "$src" | sha256sum | cut -d' ' -f1)" \
		"$(json_get "$json" '.windows[0].sha256')" "first window vs head -c $win | sha256sum"
	for ((i = 0; i < count; i++)); do
		off=$((i * win))
		len=$win
		((off + len <= size)) || len=$((size - off))
		assert_eq "$off" "$(json_get "$json" ".windows[$i].offset")" "window $i offset"
		assert_eq "$len" "$(json_get "$json" ".windows[$i].length")" "window $i length"
		assert_eq "$(dd if="$src" iflag=skip_bytes,count_bytes skip="$off" count="$len" bs=1M status=none |
			sha256sum | cut -d' ' -f1)" \
			"$(json_get "$json" ".windows[$i].sha256")" "window $i sha256 vs sha256sum of bytes $off+$len"
	done
}

test_hash_windows() {
	local src=$1 dir=$FX_WORK/windows
	mkdir "$dir"
	acquire_json "$dir/w1.json" --format raw --hash-window 1M "$src" "$dir/w1"
	assert_json_completed "$dir/w1.json" "$src"
	check_windows "$dir/w1.json" "$src" "$MIB"
	assert_file_line "$dir/w1.log" "  0, $MIB, $(head -c "$MIB" "$src" | sha256sum | cut -d' ' -f1)" \
		"log lists the first window"
	# 3M does not divide 64M: the last window is short.
	acquire_json "$dir/w3.json" --format raw --no-verify --hash-window 3M "$src" "$dir/w3"
	check_windows "$dir/w3.json" "$src" $((3 * MIB))
	assert_eq skipped "$(json_get "$dir/w3.json" .verification)" "--no-verify: verification skipped"
	assert_eq skipped "$(log_value "$dir/w3.log" 'Verification of image')" "--no-verify: log says skipped"
}

test_md5_only() {
	local src=$1 dir=$FX_WORK/md5only
	mkdir "$dir"
	acquire_json "$dir/run.json" --format raw --hash md5 "$src" "$dir/case3"
	assert_eq completed "$(json_get "$dir/run.json" .status)" "--hash md5: status"
	assert_eq "$(md5_of "$src")" "$(json_get "$dir/run.json" .hashes.md5)" "--hash md5: MD5 vs md5sum"
	assert_eq "" "$(json_get "$dir/run.json" .hashes.sha1)" "--hash md5: no SHA-1"
	assert_eq "" "$(json_get "$dir/run.json" .hashes.sha256)" "--hash md5: no SHA-256"
	assert_eq "$(sha256_of "$src")" "$(json_get "$dir/run.json" '.files[0].sha256')" \
		"--hash md5: the image file's own SHA-256 is still recorded"
	assert_same_file "$src" "$dir/case3.raw" "--hash md5: image equals the source"
	assert_eq "$(md5_of "$src")" "$(log_hash "$dir/case3.log" MD5)" "--hash md5: log MD5"
	assert_eq 0 "$(grep -c '^  SHA-1:\|^  SHA-256:' "$dir/case3.log" || true)" "--hash md5: no SHA lines in the log"
	assert_eq md5 "$(log_value "$dir/case3.log" '  Hashes')" "--hash md5: log Hashes parameter"
	assert_sha256_file "$dir" case3.sha256 case3.raw
}

main() {
	need_tool cmp md5sum sha1sum sha256sum mmls fls icat
	fx_begin
	local src sum_before mtime_before
	src=$(sample_disk)
	sum_before=$(sha256_of "$src")
	mtime_before=$(mtime_of "$src")
	test_single_raw "$src"
	test_split_raw "$src"
	test_hash_windows "$src"
	test_md5_only "$src"
	assert_eq "$sum_before" "$(sha256_of "$src")" "the source's sha256 is unchanged"
	assert_eq "$mtime_before" "$(mtime_of "$src")" "the source's mtime is unchanged"
	fx_pass
}

main "$@"
