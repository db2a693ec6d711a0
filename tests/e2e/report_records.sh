#!/usr/bin/env bash
# End to end: what every report format says about resumes, exports, copies
# and the chain's RFC 3161 anchors (docs/reports.md). One case database
# holds: a raw acquisition whose source vanished at 40 MiB (fx_faultyfs
# --vanish-at), resumed from its checkpoint once the source was back; an
# acquisition written with a copy (acquire --copy) whose end is
# time-stamped by a local TSA (tests/e2e/lib/tsa.sh); an acquisition of a
# second item whose TSA cannot be reached (a missing anchor); and an
# export of the first item as a VHD (verify export). The text, HTML, JSON,
# DFXML and CASE reports of that database must each show the resume (when,
# from which byte, operator, host), the export (format, files, hashes,
# when, by whom), the copy and both anchors (time, event and hash
# anchored, token hash, TSA, and why the missing one is missing, on the
# first page too), every value equal to the database's (read with
# sqlite3) or to sha256sum's; the JSON validates against
# schemas/report.schema.json, the DFXML against dfxml.xsd, the CASE
# report parses with rdflib and SPARQL finds every resume, export and
# anchor exactly (lib/case_check.py full). A CASE report with one value
# changed is refused by the same check.
set -euo pipefail
# shellcheck source=lib/common.sh
. "$(dirname "$0")/lib/common.sh"
# shellcheck source=lib/tsa.sh
. "$(dirname "$0")/lib/tsa.sh"
# shellcheck source=lib/faultyfs.sh
. "$(dirname "$0")/lib/faultyfs.sh"

readonly MIB=1048576
FX_VERIFY=$FX_BIN/verify
CASE_CHECK=$FX_ROOT/tests/e2e/lib/case_check.py
DFXML_XSD=$FX_ROOT/../shared/dfxml/dfxml.xsd
DIR=
PY=

# find_rdflib: a python3 that has rdflib (Debian's python3-rdflib lives in
# /usr/bin/python3's path, which another python3 first in PATH lacks).
find_rdflib() {
	local p
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import rdflib' >/dev/null 2>&1; then
			PY=$p
			return 0
		fi
	done
	return 1
}

db() { sqlite3 "$DIR/case.db" "$1"; }

# flat FILE: the text report with its line breaks and runs of spaces as one
# space (a wrapped sentence is found whole).
flat() { tr -s ' \n' '  ' <"$1"; }

# block FILE FIRST N: the N lines of FILE from the line FIRST on.
block() { grep -F -x -A "$(($3 - 1))" -- "$2" "$1" | head -n "$3"; }

# The record: a resumed acquisition, one with a copy and an anchor, one
# whose TSA is down, and an export.
make_record() {
	local src=$1 port rc=0
	mount_source "$DIR" "$src" --vanish-at $((40 * MIB))
	"$FX_ACQUIRE" -q --json --format raw --checkpoint 8M --case CASE-12 \
		--evidence HD-1 --examiner "Jane Doe" --operator "J. Doe" \
		"$DIR/mnt/disk" "$DIR/hd1" >"$DIR/v.json" 2>"$FX_ERR" || rc=$?
	assert_eq 4 "$rc" "the source vanished: exit 4"
	assert_eq $((40 * MIB)) "$(json_get "$DIR/v.json" .resumable_from)" "resumable from 40 MiB"
	faultyfs_unmount "$DIR/mnt" "$FS_PID"
	mount_source "$DIR" "$src"
	assert_exit 0 "$FX_ACQUIRE" -q --resume "$DIR/hd1"
	faultyfs_unmount "$DIR/mnt" "$FS_PID"
	tsa_make "$DIR/tsa" Lab
	tsa_start "$DIR/tsa"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-12 --evidence HD-1 \
		--operator "A. Smith" --copy "$DIR/hd1copy" --tsa "$TSA_URL" \
		--tsa-ca "$DIR/tsa/ca.pem" "$src" "$DIR/hd1b"
	port=$(closed_port)
	DOWN_URL="http://127.0.0.1:$port/"
	assert_exit 0 "$FX_ACQUIRE" -q --format raw --case CASE-12 --evidence HD-2 \
		--operator "A. Smith" --tsa "$DOWN_URL" "$src" "$DIR/hd2"
	assert_exit 0 "$FX_VERIFY" export HD-1 --case CASE-12 --db "$DIR/case.db" \
		--to vhd -o "$DIR/hd1.vhd" --operator "R. Roe"
	assert_eq "1|1|2|1|0|1" "$(db "SELECT (SELECT count(*) FROM audit_log WHERE action = 'acquisition.resume'),
		(SELECT count(*) FROM exports), (SELECT count(*) FROM anchors),
		(SELECT count(*) FROM anchors WHERE status = 'stamped'),
		(SELECT count(*) FROM image_sets WHERE copy_number = 0 AND status <> 'completed'),
		(SELECT count(*) FROM image_sets WHERE copy_number = 1 AND status = 'completed')")" \
		"the record: 1 resume, 1 export, 2 anchors (1 stamped), a completed copy"
	for f in text html json dfxml case; do
		assert_exit 0 "$FX_VERIFY" report --db "$DIR/case.db" --case CASE-12 \
			--format "$f" -o "$DIR/r.$f"
	done
}

# The values the reports must show, from the database and the files.
read_record() {
	R_TIME=$(db "SELECT time_utc FROM audit_log WHERE action = 'acquisition.resume'")
	R_ACTOR=$(db "SELECT actor FROM audit_log WHERE action = 'acquisition.resume'")
	R_HOST=$(db "SELECT host FROM audit_log WHERE action = 'acquisition.resume'")
	X_ACQ=$(db "SELECT acquisition_id FROM exports")
	X_VER=$(db "SELECT verification_id FROM exports")
	X_TIME=$(db "SELECT time_utc FROM exports")
	X_HOST=$(db "SELECT host FROM exports")
	X_SIZE=$(size_of "$DIR/hd1.vhd")
	X_SHA=$(sha256_of "$DIR/hd1.vhd")
	A1_SEQ=$(db "SELECT seq FROM anchors WHERE id = 1")
	A1_HEAD=$(db "SELECT head_hash FROM anchors WHERE id = 1")
	A1_TOKEN=$(db "SELECT token_sha256 FROM anchors WHERE id = 1")
	A1_TIME=$(db "SELECT token_time_utc FROM anchors WHERE id = 1")
	A1_REQ=$(db "SELECT requested_utc FROM anchors WHERE id = 1")
	A2_SEQ=$(db "SELECT seq FROM anchors WHERE id = 2")
	A2_HEAD=$(db "SELECT head_hash FROM anchors WHERE id = 2")
	A2_ERR=$(db "SELECT error FROM anchors WHERE id = 2")
	A2_REQ=$(db "SELECT requested_utc FROM anchors WHERE id = 2")
	COPY_SHA=$(sha256_of "$DIR/hd1copy.raw")
	assert_eq "$A1_HEAD" "$(db "SELECT hash FROM audit_log WHERE seq = $A1_SEQ")" "anchor 1's head is in the chain"
	assert_eq "$A1_TOKEN" "$(sqlite3 "$DIR/case.db" "SELECT writefile('$DIR/a1.tsr', token) FROM anchors WHERE id = 1" >/dev/null && sha256_of "$DIR/a1.tsr")" \
		"anchor 1's token SHA-256 is the stored reply's"
	assert_contains "$A2_ERR" "TSA $DOWN_URL: Failed to connect to 127.0.0.1" "anchor 2: why it is missing"
}

check_text() {
	local t=$DIR/r.text
	assert_eq "  Resumed:              1 time (below)" "$(grep -F -x '  Resumed:              1 time (below)' "$t")" "text: acquisition 1 was resumed once"
	assert_eq 2 "$(grep -c -F -x '  Resumed:              no' "$t")" "text: the other two were not"
	assert_eq "  Resume 1:
    Time (UTC):         $R_TIME
    From byte:          $((40 * MIB))
    Operator:           $R_ACTOR
    Host:               $R_HOST" "$(block "$t" "  Resume 1:" 5)" "text: the resume"
	assert_eq "  Exported:             1 time (see Export)" "$(grep -F -x '  Exported:             1 time (see Export)' "$t")" "text: acquisition $X_ACQ was exported"
	# a long path wraps onto a line of its own: compared with the line
	# breaks and runs of spaces as one space
	assert_contains "$(flat "$t")" "Export 1 (of acquisition $X_ACQ) --------------------------- Format: vhd Destination: $DIR/hd1.vhd Time (UTC): $X_TIME By: R. Roe Host: $X_HOST Tool: verify export Tool version: $VERSION Read by: verification $X_VER (verified) Media bytes: $SIZE Media hashes (of the data read and written): MD5 $MD5 SHA-1 $SHA1 SHA-256 $SHA256 Files written (in segment order): 1. $DIR/hd1.vhd Size: $X_SIZE bytes SHA-256 $X_SHA Chain of custody" \
		"text: the export"
	assert_eq "No export is recorded for this evidence item." \
		"$(grep -F -x 'No export is recorded for this evidence item.' "$t")" "text: HD-2 has no export"
	assert_contains "$(flat "$t")" " Copy 1: Destination: $DIR/hd1copy Format: raw Status: completed Bytes written: $SIZE Image files (in segment order): 1. $DIR/hd1copy.raw Size: $SIZE bytes SHA-256 $COPY_SHA " \
		"text: the copy"
	assert_eq "    Anchor 1 of event $A1_SEQ:
      Result:           time-stamped (the token's imprint and time and the
                        anchored event check; the TSA's signature was not
                        checked: no CA certificate was given)
      TSA:              $TSA_URL
      Requested (UTC):  $A1_REQ
      Time-stamp (UTC): $A1_TIME
      Head hash (of that event):
      SHA-256 $A1_HEAD
      Token (the TSA's reply as stored):
      SHA-256 $A1_TOKEN" "$(block "$t" "    Anchor 1 of event $A1_SEQ:" 11)" "text: the stamped anchor"
	assert_eq "    Anchor 2 of event $A2_SEQ:
      Result:           MISSING (the TSA gave no time-stamp)
      TSA:              $DOWN_URL
      Requested (UTC):  $A2_REQ" "$(block "$t" "    Anchor 2 of event $A2_SEQ:" 4)" "text: the missing anchor"
	assert_contains "$(flat "$t")" " Why none: $A2_ERR Head hash (of that event): SHA-256 $A2_HEAD " "text: why it is missing, and its head"
	assert_contains "$(flat "$t")" "Read this first --------------- ! Audit chain time-stamp missing: anchor 2 of event $A2_SEQ was not time-stamped: $A2_ERR. " \
		"text: the missing anchor is on the first page"
}

check_html() {
	local h=$DIR/r.html
	assert_contains "$(cat "$h")" "<h4>Resumes (acquire --resume)</h4>
<table>
<thead><tr><th>#</th><th>Time (UTC)</th><th>From byte</th><th>Operator</th><th>Host</th></tr></thead>
<tbody>
<tr><td class=\"n\">1</td><td class=\"t\"><span class=\"v\">$R_TIME</span></td><td class=\"n\">$((40 * MIB))</td><td><span class=\"v\">$R_ACTOR</span></td><td><span class=\"v\">$R_HOST</span></td></tr>
</tbody></table>" "html: the resume"
	assert_contains "$(cat "$h")" "<h3>Export 1 (of acquisition $X_ACQ)</h3>
<table class=\"kv\">
<tr><th>Format</th><td><span class=\"v\">vhd</span></td></tr>
<tr><th>Destination</th><td><span class=\"v\">$DIR/hd1.vhd</span></td></tr>
<tr><th>Time (UTC)</th><td><span class=\"v\">$X_TIME</span></td></tr>
<tr><th>By</th><td><span class=\"v\">R. Roe</span></td></tr>" "html: the export"
	assert_contains "$(cat "$h")" "<h4>Files written (in segment order)</h4>" "html: the export's files"
	assert_contains "$(cat "$h")" "<span class=\"hash\">$X_SHA</span>" "html: the VHD's SHA-256"
	assert_contains "$(cat "$h")" "<h4>Anchor 2 of event $A2_SEQ</h4>
<table class=\"kv\">
<tr><th>Result</th><td class=\"fail\">MISSING (the TSA gave no time-stamp)</td></tr>
<tr><th>TSA</th><td><span class=\"v\">$DOWN_URL</span></td></tr>" "html: the missing anchor"
	assert_contains "$(cat "$h")" "<tr><th>Token SHA-256</th><td><span class=\"hash\">$A1_TOKEN</span></td></tr>" "html: the token's SHA-256"
	assert_contains "$(cat "$h")" "<h4>Copy 1</h4>" "html: the copy"
}

check_json() {
	local j=$DIR/r.json out
	out=$(python3 - "$FX_ROOT/schemas/report.schema.json" "$j" <<'EOF'
import json, sys
try:
    import jsonschema
except ImportError:
    print("no jsonschema")
    sys.exit(0)
schema, doc = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
print("valid" if not errors else "invalid: %s at %s" % (errors[0].message, list(errors[0].path)))
EOF
)
	if [[ $out == "no jsonschema" ]]; then
		skip_part "JSON schema validation: python3-jsonschema is not installed"
	else
		assert_eq valid "$out" "json: valid against the schema"
	fi
	out=$(python3 - "$j" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
hd1, hd2 = d["evidence"]
print(json.dumps([a["resumes"] for a in hd1["acquisitions"]], sort_keys=True))
x = hd1["exports"][0]
print(len(hd1["exports"]), len(hd2["exports"]), x["acquisition_id"], x["verification_id"],
      x["time_utc"], x["actor"], x["host"], x["tool"], x["format"], x["path"],
      x["media_bytes"], x["hashes"]["md5"], x["hashes"]["sha1"], x["hashes"]["sha256"],
      json.dumps(x["image_files"]))
for a in d["audit"]["anchors"]:
    print(a["id"], a["seq"], a["head_hash"], a["tsa_url"], a["requested_utc"], a["status"],
          a["error"], a["token_sha256"], a["token_time_utc"], a["state"])
print(json.dumps([(s["copy_number"], s["status"], [f["sha256"] for f in s["image_files"]])
                  for s in hd1["acquisitions"][1]["image_sets"]]))
print(json.dumps([(a["kind"], a["record_id"]) for a in d["attention"]]))
EOF
)
	assert_eq "[[{\"from_byte\": $((40 * MIB)), \"host\": \"$R_HOST\", \"operator\": \"$R_ACTOR\", \"time_utc\": \"$R_TIME\"}], []]
1 0 $X_ACQ $X_VER $X_TIME R. Roe $X_HOST verify export vhd $DIR/hd1.vhd $SIZE $MD5 $SHA1 $SHA256 [{\"path\": \"$DIR/hd1.vhd\", \"size_bytes\": $X_SIZE, \"allocated_bytes\": null, \"sha256\": \"$X_SHA\"}]
1 $A1_SEQ $A1_HEAD $TSA_URL $A1_REQ stamped None $A1_TOKEN $A1_TIME not_checked
2 $A2_SEQ $A2_HEAD $DOWN_URL $A2_REQ failed $A2_ERR None None missing
[[0, \"completed\", []], [1, \"completed\", [\"$COPY_SHA\"]]]
[[\"anchor\", 2]]" "$out" "json: resumes, exports, anchors, copies and the alert, exactly"
}

check_dfxml() {
	local x=$DIR/r.dfxml
	if [[ -f $DFXML_XSD ]]; then
		assert_exit 0 xmllint --noout --schema "$DFXML_XSD" "$x"
	else
		skip_part "DFXML schema validation: $DFXML_XSD not found"
	fi
	xp() { xmllint --xpath "$1" "$x" 2>/dev/null; }
	assert_eq "$((40 * MIB)) $R_TIME $R_ACTOR $R_HOST" \
		"$(xp "string(//*[local-name()='resume']/@from_byte)") $(xp "string(//*[local-name()='resume']/*[local-name()='time_utc'])") $(xp "string(//*[local-name()='resume']/*[local-name()='operator'])") $(xp "string(//*[local-name()='resume']/*[local-name()='host'])")" \
		"dfxml: the resume"
	assert_eq "1" "$(xp "string(//*[local-name()='resume']/../@id)")" "dfxml: the resume is acquisition 1's"
	assert_eq "$X_ACQ $X_VER vhd $SIZE $DIR/hd1.vhd $X_TIME R. Roe $SHA256 $X_SIZE $X_SHA" \
		"$(xp "string(//*[local-name()='export']/@acquisition_id)") $(xp "string(//*[local-name()='export']/@verification_id)") $(xp "string(//*[local-name()='export']/@format)") $(xp "string(//*[local-name()='export']/@media_bytes)") $(xp "string(//*[local-name()='export']/*[local-name()='path'])") $(xp "string(//*[local-name()='export']/*[local-name()='time_utc'])") $(xp "string(//*[local-name()='export']/*[local-name()='actor'])") $(xp "string(//*[local-name()='export']/*[local-name()='hashdigest'][@type='sha256'])") $(xp "string(//*[local-name()='export']/*[local-name()='image_file']/@size)") $(xp "string(//*[local-name()='export']/*[local-name()='image_file']/*[local-name()='hashdigest'])")" \
		"dfxml: the export"
	assert_eq "2 completed $DIR/hd1copy $COPY_SHA" \
		"$(xp "count(//*[local-name()='image_set'])") $(xp "string(//*[local-name()='image_set'][@copy_number='1']/@status)") $(xp "string(//*[local-name()='image_set'][@copy_number='1']/*[local-name()='target'])") $(xp "string(//*[local-name()='image_set'][@copy_number='1']/*[local-name()='image_file']/*[local-name()='hashdigest'])")" \
		"dfxml: the copy"
	assert_eq "1" "$(xp "count(//*[local-name()='image_filename'][.='$DIR/hd1copy.raw'])")" "dfxml: the copy's file is a source image_filename"
	assert_eq "anchor 2 Audit chain time-stamp missing: anchor 2 of event $A2_SEQ was not time-stamped: $A2_ERR." \
		"$(xp "string(//*[local-name()='attention']/@kind)") $(xp "string(//*[local-name()='attention']/@record_id)") $(xp "string(//*[local-name()='attention']/*[local-name()='message'])")" \
		"dfxml: the missing anchor is an attention"
	assert_eq "$A1_SEQ stamped not_checked $A1_HEAD $A1_TOKEN $A1_TIME|$A2_SEQ failed missing $A2_HEAD $A2_ERR" \
		"$(xp "string(//*[local-name()='anchor'][@id='1']/@seq)") $(xp "string(//*[local-name()='anchor'][@id='1']/@status)") $(xp "string(//*[local-name()='anchor'][@id='1']/@state)") $(xp "string(//*[local-name()='anchor'][@id='1']/*[local-name()='head_hash'])") $(xp "string(//*[local-name()='anchor'][@id='1']/*[local-name()='hashdigest'])") $(xp "string(//*[local-name()='anchor'][@id='1']/*[local-name()='token_time_utc'])")|$(xp "string(//*[local-name()='anchor'][@id='2']/@seq)") $(xp "string(//*[local-name()='anchor'][@id='2']/@status)") $(xp "string(//*[local-name()='anchor'][@id='2']/@state)") $(xp "string(//*[local-name()='anchor'][@id='2']/*[local-name()='head_hash'])") $(xp "string(//*[local-name()='anchor'][@id='2']/*[local-name()='error'])")" \
		"dfxml: both anchors"
}

check_case() {
	local c=$DIR/r.case
	if ! find_rdflib; then
		skip_part "CASE: python3-rdflib is not installed (scripts/deps.sh installs it)"
		return 0
	fi
	assert_exit 0 "$PY" "$CASE_CHECK" full "$c" "$DIR/case.db" "$MD5" "$SHA1" "$SHA256"
	assert_eq "record: 3 acquisitions, 5 verifications (0 failed), 0 custody transfers
full: 1 resumes, 1 exports, 2 anchors (1 missing)" "$(stdout_of_last)" \
		"CASE: SPARQL finds every resume, export and anchor exactly"
	# the check can fail: one value changed in each kind
	sed "s/resumed from byte $((40 * MIB))/resumed from byte $((40 * MIB + 512))/" "$c" >"$DIR/bad1.case"
	assert_exit 1 "$PY" "$CASE_CHECK" full "$DIR/bad1.case" "$DIR/case.db"
	assert_contains "$(stderr_of_last)" "resume 1 of acquisition 1 from byte" "CASE: a changed resume is found"
	sed "s/$X_SHA/$A1_HEAD/" "$c" >"$DIR/bad2.case"
	assert_exit 1 "$PY" "$CASE_CHECK" full "$DIR/bad2.case" "$DIR/case.db"
	assert_contains "$(stderr_of_last)" "export 1 file 0 SHA-256" "CASE: a changed export file hash is found"
	sed "s/$A1_TOKEN/$X_SHA/" "$c" >"$DIR/bad3.case"
	assert_exit 1 "$PY" "$CASE_CHECK" full "$DIR/bad3.case" "$DIR/case.db"
	assert_contains "$(stderr_of_last)" "anchor 1 token SHA-256" "CASE: a changed token hash is found"
	# deterministic: the same database, the same bytes
	assert_exit 0 "$FX_VERIFY" report --db "$DIR/case.db" --case CASE-12 --format case
	assert_same_file "$c" "$FX_OUT" "CASE: same database, same bytes"
}

# verify report --tsa-ca checks the tokens' signatures: the stamped anchor
# is verified; a CA that cannot be read is refused before anything is
# written.
check_tsa_ca() {
	local out
	assert_exit 0 "$FX_VERIFY" report --db "$DIR/case.db" --case CASE-12 --format json \
		--tsa-ca "$DIR/tsa/ca.pem" -o "$DIR/ca.json"
	out=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(" ".join(a["state"] for a in d["audit"]["anchors"]), d["audit"]["result"])' "$DIR/ca.json")
	assert_eq "verified missing intact" "$out" "--tsa-ca: the stamped anchor is verified"
	assert_exit 0 "$FX_VERIFY" report --db "$DIR/case.db" --case CASE-12 --format text \
		--tsa-ca "$DIR/tsa/ca.pem"
	assert_contains "$(tr -s ' \n' '  ' <"$FX_OUT")" "Anchor 1 of event $A1_SEQ: Result: verified (the TSA's signature, the token and the anchored event check) TSA: $TSA_URL " \
		"--tsa-ca: the text says verified"
	assert_exit 2 "$FX_VERIFY" report --db "$DIR/case.db" --case CASE-12 --format text \
		--tsa-ca "$DIR/no-ca.pem" -o "$DIR/none.txt"
	assert_eq "verify: --tsa-ca $DIR/no-ca.pem: cannot be read: No such file or directory" \
		"$(stderr_of_last)" "an unreadable --tsa-ca: one line"
	assert_missing "$DIR/none.txt"
}

# The chain cut after an anchor (its head event and the export it records
# deleted, the triggers dropped and put back): every format says the chain
# is not intact, naming the anchor and the event; a broken chain is no
# error (exit 0).
check_cut() {
	local cut=$DIR/cut.db trig head seq t3 out
	cp "$DIR/case.db" "$cut"
	assert_exit 0 "$FX_VERIFY" audit --db "$cut" --anchor --tsa "$TSA_URL" --tsa-ca "$DIR/tsa/ca.pem"
	seq=$(sqlite3 "$cut" "SELECT max(seq) FROM audit_log")
	head=$(sqlite3 "$cut" "SELECT hash FROM audit_log WHERE seq = $seq")
	t3=$(sqlite3 "$cut" "SELECT token_time_utc FROM anchors WHERE id = 3")
	assert_eq "$seq|$head|export.record" "$(sqlite3 "$cut" "SELECT a.seq, a.head_hash, l.action FROM anchors a JOIN audit_log l ON l.seq = a.seq WHERE a.id = 3")" \
		"anchor 3 is of the export's event, the head"
	trig=$(sqlite3 "$cut" "SELECT sql || ';' FROM sqlite_master WHERE name IN ('audit_log_no_delete', 'exports_no_delete', 'export_files_no_delete')")
	sqlite3 "$cut" "DROP TRIGGER audit_log_no_delete; DROP TRIGGER exports_no_delete; DROP TRIGGER export_files_no_delete;
		DELETE FROM export_files; DELETE FROM exports; DELETE FROM audit_log WHERE seq = $seq; $trig"
	assert_exit 0 "$FX_VERIFY" report --db "$cut" --case CASE-12 --format text -o "$DIR/cut.text"
	out=$(tr -s ' \n' '  ' <"$DIR/cut.text")
	assert_contains "$out" "Read this first --------------- ! The audit chain did NOT check out at " "cut: first on the first page"
	assert_contains "$out" ": anchor 3 (time-stamped $t3): event $seq with hash $head is missing: the chain was cut after it. ! Audit chain time-stamp missing: anchor 2 " \
		"cut: the anchor and the event named, then the missing anchor"
	assert_contains "$out" "Result: NOT INTACT: anchor 3 (time-stamped $t3): event $seq with hash $head is missing: the chain was cut after it " \
		"cut: the audit result"
	assert_contains "$out" "Anchor 3 of event $seq: Result: EVENT GONE (the anchored event is missing or changed: the chain was cut or rewritten after the time-stamp) " \
		"cut: the anchor's result"
	assert_exit 0 "$FX_VERIFY" report --db "$cut" --case CASE-12 --format json -o "$DIR/cut.json"
	out=$(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); a = d["audit"]; print(a["result"], a["first_bad_seq"], a["anchors"][2]["state"], [x["kind"] for x in d["attention"]])' "$DIR/cut.json")
	assert_eq "broken $seq head_gone ['audit', 'anchor']" "$out" "cut: json"
	assert_exit 0 "$FX_VERIFY" report --db "$cut" --case CASE-12 --format dfxml -o "$DIR/cut.dfxml"
	assert_eq "broken head_gone" "$(xmllint --xpath "string(//*[local-name()='audit']/@result)" "$DIR/cut.dfxml") $(xmllint --xpath "string(//*[local-name()='anchor'][@id='3']/@state)" "$DIR/cut.dfxml")" \
		"cut: dfxml"
	assert_exit 0 "$FX_VERIFY" report --db "$cut" --case CASE-12 --format case -o "$DIR/cut.case"
	assert_contains "$(cat "$DIR/cut.case")" "\"uco-core:statement\": \"The case database's audit chain does NOT check out: anchor 3 (time-stamped $t3): event $seq with hash $head is missing: the chain was cut after it.\"" \
		"cut: CASE annotation"
}

main() {
	local why src
	need_tool sqlite3 openssl python3 xmllint md5sum sha1sum sha256sum
	why=$(faultyfs_unavailable)
	[[ -z $why ]] || skip "$why"
	fx_begin
	[[ -x $FX_VERIFY ]] || fail "verify not built: $FX_VERIFY"
	src=$(sample_disk)
	SIZE=$(size_of "$src")
	MD5=$(md5_of "$src")
	SHA1=$(sha1_of "$src")
	SHA256=$(sha256_of "$src")
	VERSION=$("$FX_VERIFY" --version | head -n 1 | cut -d' ' -f2)
	DIR=$(realpath "$FX_WORK")/lab
	mkdir "$DIR"
	make_record "$src"
	read_record
	check_text
	check_html
	check_json
	check_dfxml
	check_case
	check_tsa_ca
	check_cut
	fx_pass
}

main "$@"
