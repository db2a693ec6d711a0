#!/usr/bin/env bash
# The main job on an embedded default: installs what is needed, builds,
# generates a sample disk (GPT with ext4 and FAT file systems holding known
# files), acquires it to E01 into a case database, verifies the image, and
# prints the record. Output goes to ./demo (refused if it exists).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$PWD/demo}

bash "$root/scripts/deps.sh"
bash "$root/scripts/build.sh" "$root/build"
bin=$root/build/bin

if [ -e "$out" ]; then
	echo "demo: $out exists; refusing to overwrite earlier evidence (give another directory)" >&2
	exit 2
fi
mkdir -p "$out"
echo "== generating a 64 MiB sample disk: $out/sample.img"
bash "$root/tests/data/make-disk.sh" "$out/sample.img"
echo "== acquiring it to E01 into the case database $out/case.db"
"$bin/acquire" --case DEMO-001 --evidence EV-1 --examiner "Demo Examiner" \
	--description "generated sample disk" --notes "libforensic demo" \
	"$out/sample.img" "$out/sample"
echo "== $out/sample.log (excerpt)"
sed -n '/^Result/,$p' "$out/sample.log"
if [ -x "$bin/verify" ]; then
	echo "== verifying the image against the case database"
	"$bin/verify" "$out/sample.E01"
	"$bin/verify" list --db "$out/case.db"
	"$bin/verify" audit --db "$out/case.db"
	if "$bin/verify" report --help >/dev/null 2>&1; then
		"$bin/verify" report --db "$out/case.db" --evidence EV-1 --format text \
			-o "$out/report.txt" && echo "== report: $out/report.txt"
	fi
fi
echo "== independent checks"
(cd "$out" && sha256sum -c sample.sha256)
if command -v ewfverify >/dev/null; then ewfverify -q "$out/sample.E01" | tail -1; fi
echo "demo: done; everything is in $out"
