#!/bin/bash
# Court reports from a known case database (written by
# `check_report --write-fixture`, fixed values), handed to tools that are
# not libforensic:
#   JSON   validated against schemas/report.schema.json (python3 jsonschema,
#          or the subset validator below when that module is absent), and
#          its values read back with python's json module;
#   DFXML  validated with xmllint against the shared DFXML 2.0.0-beta.0 xsd
#          ($FX_ROOT/../shared/dfxml/dfxml.xsd), values read back by XPath;
#   HTML   checked to be self-contained, parsed by python's html.parser,
#          rendered by headless Chromium to PDF on Letter and on A4, and the
#          PDF's text (pdftotext) checked for every hash and sector range,
#          the failed verification on page 1 and the page headers;
#   text   checked for the same values.
# Each validator is also shown a broken copy and must reject it, so the
# validation itself cannot pass vacuously. Parts whose tool is missing are
# skipped with a SKIP line; without chromium or pdftotext the test ends as
# SKIP (exit 77) after the other parts have run.
set -euo pipefail
. "$(dirname "$0")/lib/common.sh"

FX_TESTS_BIN=${FX_TESTS_BIN:-$FX_BIN/../tests}
CHECK=$FX_TESTS_BIN/check_report
XSD=$FX_ROOT/../shared/dfxml/dfxml.xsd
SCHEMA=$FX_ROOT/schemas/report.schema.json

# The fixture's values (tests/check_report.c).
H1_MD5=89263b2eec1c392c5ccded1c4ac40648
H1_SHA1=e244fd840eb8f76260882644e7b61ad6bac59194
H1_SHA256=5995be606fa15975f0a5e9f1a6ce67354d2fe4d7150a60a1b84b573700b49054
H1_W0=7e4faa90ca4e29c62dab64028555cbe704936ec0ef4a5acba3f6df3f8845ea7f
H1_W1=10d9d2da3b235f73c3982cd22138c4790be0e441ba9bea4eb273e7120fc548f0
H1_E01=19f6377dae009db276e28fe00b877c7bf9e295e57c6282ff145ac80eaaa6a35f
H1_E02=451fda11f99303cc6fc8e0bdf8a9d0ae9d6a955021c2e6fb46c4a70f866e14f5
H1_VSHA256=84b0b03ecd44bd771f2f5eab8c6fcc6684c35f26aadc2b55c8ebbef8902b5bed
H2_MD5=5e5bfce3bacb46ffe2e5b52c03f49143
H2_SHA1=8635e8543e094c1fc6547512244103f8fa9d10cc
H2_SHA256=c45d526675f0d5850664fd4cbf36d8e54d243c9e7b182c6a2635a77011b6041f
H2_RAW=cf25815fa1e82cc0f506e6dac629cf07c0b91880bd563fb5916bf1984aa10a3b
ALL_HASHES=("$H1_MD5" "$H1_SHA1" "$H1_SHA256" "$H1_W0" "$H1_W1" "$H1_E01"
	"$H1_E02" "$H1_VSHA256" "$H2_MD5" "$H2_SHA1" "$H2_SHA256" "$H2_RAW")
# How often each is listed: recorded by the acquisition and, where equal,
# computed again by the verification.
HASH_TIMES=(2 2 1 1 1 1 1 1 2 2 2 1)
NASTY_DESC="USB stick <script>alert(\"x\")</script> & 'q'"
ALERT="Verification 1 of evidence HD-1 at 2026-03-05T14:00:00Z FAILED: mismatch (a hash differs)."

begin() {
	[[ -x $CHECK ]] || fail "check_report not built: $CHECK (set FX_TESTS_BIN)"
	mkdir -p "$FX_TEST_TMP"
	FX_WORK=$(mktemp -d "$FX_TEST_TMP/$FX_TEST_NAME.XXXXXX")
	FX_OUT=$FX_WORK/.stdout
	FX_ERR=$FX_WORK/.stderr
	trap fx_cleanup EXIT
}

# ---- JSON ------------------------------------------------------------------

# A validator for the JSON Schema keywords schemas/report.schema.json uses,
# for hosts without python3-jsonschema. Prints the first violation.
write_validator() {
	cat >"$FX_WORK/validate.py" <<'EOF'
import json, re, sys

def check(schema, value, root, path="$"):
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        check(root["$defs"][ref[8:]], value, root, path)
    types = {"object": dict, "array": list, "string": str, "boolean": bool,
             "null": type(None)}
    t = schema.get("type")
    if t is not None:
        ok = False
        for name in ([t] if isinstance(t, str) else t):
            if name == "integer":
                ok |= isinstance(value, int) and not isinstance(value, bool)
            elif name == "number":
                ok |= isinstance(value, (int, float)) and not isinstance(value, bool)
            else:
                ok |= isinstance(value, types[name])
        if not ok:
            raise ValueError("%s: %r is not of type %s" % (path, value, t))
    if "const" in schema and value != schema["const"]:
        raise ValueError("%s: %r is not %r" % (path, value, schema["const"]))
    if "enum" in schema and value not in schema["enum"]:
        raise ValueError("%s: %r not in %r" % (path, value, schema["enum"]))
    if isinstance(value, str) and "pattern" in schema:
        if not re.search(schema["pattern"], value):
            raise ValueError("%s: %r does not match %s" % (path, value, schema["pattern"]))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            raise ValueError("%s: %r < %r" % (path, value, schema["minimum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                raise ValueError("%s: %s is required" % (path, key))
        props = schema.get("properties", {})
        for key, v in value.items():
            if key in props:
                check(props[key], v, root, path + "." + key)
            elif schema.get("additionalProperties") is False:
                raise ValueError("%s: unexpected member %s" % (path, key))
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            check(schema["items"], v, root, "%s[%d]" % (path, i))

KNOWN = {"$schema", "$id", "title", "description", "type", "properties",
         "required", "additionalProperties", "items", "enum", "const",
         "pattern", "minimum", "$ref", "$defs"}

def keywords(schema):
    if isinstance(schema, dict):
        for k, v in schema.items():
            if k not in KNOWN:
                raise ValueError("schema keyword %s is not supported" % k)
            if k in ("properties", "$defs"):
                for s in v.values():
                    keywords(s)
            elif k == "items":
                keywords(v)

schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
try:
    import jsonschema
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc),
                    key=lambda e: list(e.path))
    if errors:
        print("jsonschema: %s at %s" % (errors[0].message, list(errors[0].path)))
        sys.exit(1)
    print("valid (jsonschema %s)" % jsonschema.Draft202012Validator.META_SCHEMA["$schema"])
except ImportError:
    try:
        keywords(schema)
        check(schema, doc, schema)
    except ValueError as e:
        print("subset validator: %s" % e)
        sys.exit(1)
    print("valid (subset validator)")
EOF
}

check_json() {
	local json=$FX_WORK/case.json
	if ! have_tool python3; then
		skip_part "python3 is not installed: JSON not validated"
		return 0
	fi
	write_validator
	assert_exit 0 python3 "$FX_WORK/validate.py" "$SCHEMA" "$json"
	python3 - "$json" "$FX_WORK/bad.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["evidence"][0]["acquisitions"][0]["hashes"]["md5"] = "89263B2E"
json.dump(d, open(sys.argv[2], "w"))
EOF
	assert_exit 1 python3 "$FX_WORK/validate.py" "$SCHEMA" "$FX_WORK/bad.json"
	assert_contains "$(stdout_of_last)" "89263B2E" "the validator names the bad hash"
	# The values, read back by an independent JSON parser.
	run_cmd python3 - "$json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
e1, e2 = d["evidence"]
a1 = e1["acquisitions"][0]
print("hashes", a1["hashes"]["md5"], a1["hashes"]["sha1"], a1["hashes"]["sha256"])
print("windows", " ".join("%d+%d:%s" % (w["offset"], w["length"], w["sha256"]) for w in a1["hash_windows"]))
print("files", " ".join("%s:%d:%s" % (f["path"], f["size_bytes"], f["sha256"]) for f in a1["image_files"]))
u = a1["unreadable"]
print("unreadable", u["sector_count"], u["range_count"], " ".join("%d-%d:%d" % (r["first_sector"], r["last_sector"], r["sector_count"]) for r in u["ranges"]))
print("source", e1["source"]["serial"], e1["source"]["size_bytes"], e1["source"]["size_sectors"], e1["source"]["wwid"], e2["source"]["wwid"])
print("verification", e1["verifications"][0]["result"], e1["verifications"][0]["compared_with_acquisition"]["sha256"])
print("custody", " ".join(c["time_utc"] for c in e1["custody"]))
print("attention", d["attention"][0]["kind"], d["attention"][0]["message"])
print("audit", d["audit"]["result"], d["audit"]["events"], len(d["audit"]["head_hash"]))
print("duration", a1["duration_seconds"])
print("desc", e2["description"])
EOF
	assert_eq 0 "$FX_RC" "reading the JSON report back: $(stderr_of_last)"
	local out
	out=$(stdout_of_last)
	assert_contains "$out" "hashes $H1_MD5 $H1_SHA1 $H1_SHA256" "JSON: source hashes"
	assert_contains "$out" "windows 0+1073741824:$H1_W0 1073741824+1073741824:$H1_W1" "JSON: hash windows"
	assert_contains "$out" "files /cases/2026-0042/HD-1.E01:2147483648:$H1_E01 /cases/2026-0042/HD-1.E02:1048576000:$H1_E02" "JSON: image files"
	assert_contains "$out" "unreadable 24 2 1000-1007:8 976000000-976000015:16" "JSON: unreadable sectors"
	assert_contains "$out" "source WD-WX71A8D4F2C3 500107862016 976773168 naa.50014ee65c1f2a3b None" "JSON: source identity, null WWID"
	assert_contains "$out" "verification mismatch differs" "JSON: the failed verification"
	assert_contains "$out" "custody 2026-03-01T08:30:00Z 2026-03-06T16:45:00Z" "JSON: custody in time order"
	assert_contains "$out" "attention verification $ALERT" "JSON: attention"
	assert_contains "$out" "audit intact 12 64" "JSON: audit chain"
	assert_contains "$out" "duration 3723.5" "JSON: duration"
	assert_contains "$out" "desc $NASTY_DESC" "JSON: special characters round-trip"
	# The audit figures against the reference checker in docs/casedb.md.
	sed -n '/<!-- verify.py begin -->/,/<!-- verify.py end -->/p' \
		"$FX_ROOT/docs/casedb.md" | sed '1,2d;$d' | sed '$d' >"$FX_WORK/verify.py"
	run_cmd python3 - "$json" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))["audit"]
print("intact: %d events, %d signed, head %s" % (a["events"], a["signed_events"], a["head_hash"]))
EOF
	assert_eq "$(python3 "$FX_WORK/verify.py" "$FX_WORK/case.db")" "$(stdout_of_last)" "JSON audit figures = docs/casedb.md's verify.py"
}

# ---- DFXML -----------------------------------------------------------------

xpath() {
	xmllint --xpath "$2" "$1" 2>/dev/null || true
}

check_dfxml() {
	local x=$FX_WORK/case.dfxml
	if ! have_tool xmllint; then
		skip_part "xmllint is not installed: DFXML not validated"
		return 0
	fi
	assert_exit 0 xmllint --noout "$x"
	if [[ -f $XSD ]]; then
		assert_exit 0 xmllint --noout --schema "$XSD" "$x"
		assert_contains "$(stderr_of_last)" "validates" "xmllint's verdict"
		sed 's|<sector_size>512</sector_size>|<sector_size>0</sector_size>|' "$x" >"$FX_WORK/bad.dfxml"
		run_cmd xmllint --noout --schema "$XSD" "$FX_WORK/bad.dfxml"
		assert_ne 0 "$FX_RC" "xmllint rejects sector_size 0"
	else
		skip_part "DFXML schema $XSD is absent: not validated against it"
	fi
	local l='local-name'
	assert_eq "$H1_MD5" "$(xpath "$x" "string((//*[$l()='diskimageobject'])[1]//*[$l()='byte_run'][@*[$l()='kind']='image']/*[@type='md5'])")" "DFXML: MD5 of HD-1"
	assert_eq "$H1_SHA256" "$(xpath "$x" "string((//*[$l()='diskimageobject'])[1]//*[$l()='byte_run'][@*[$l()='kind']='image']/*[@type='sha256'])")" "DFXML: SHA-256 of HD-1"
	assert_eq "$H1_W1" "$(xpath "$x" "string((//*[$l()='byte_run'][@*[$l()='kind']='hash_window'])[2]/*[$l()='hashdigest'])")" "DFXML: second hash window"
	assert_eq "512000 4096 1000 8" "$(xpath "$x" "concat((//*[$l()='byte_run'][@*[$l()='kind']='unreadable'])[1]/@img_offset, ' ', (//*[$l()='byte_run'][@*[$l()='kind']='unreadable'])[1]/@len, ' ', (//*[$l()='byte_run'][@*[$l()='kind']='unreadable'])[1]/@*[$l()='first_sector'], ' ', (//*[$l()='byte_run'][@*[$l()='kind']='unreadable'])[1]/@*[$l()='sector_count'])")" "DFXML: first unreadable range"
	assert_eq "$H1_E02" "$(xpath "$x" "string(//*[$l()='image_file'][@segment='2']/*[$l()='hashdigest'])")" "DFXML: image file hash"
	assert_eq "check_report" "$(xpath "$x" "string(//*[$l()='creator']/*[$l()='program'])")" "DFXML: creator"
	assert_ne "" "$(xpath "$x" "string(//*[$l()='execution_environment']/*[$l()='start_time'])")" "DFXML: execution environment"
	assert_eq "/cases/2026-0042/HD-1.E01" "$(xpath "$x" "string((//*[$l()='source']/*[$l()='image_filename'])[1])")" "DFXML: source"
	assert_eq "$NASTY_DESC" "$(xpath "$x" "string((//*[$l()='evidence'])[2]/*[$l()='description'])")" "DFXML: special characters round-trip"
	assert_eq "mismatch" "$(xpath "$x" "string(//*[$l()='verification'][@id='1']/@result)")" "DFXML: the failed verification"
}

# ---- a record full of markup, quotes, control characters, invalid UTF-8 --

# The same validators on reports of `check_report --write-nasty` (every text
# field "<script>alert('x')</script>&\"'<ESC>[31m", case "K<9>&\"'", a note
# with bytes that are not UTF-8, a broken audit chain).
check_nasty() {
	local db=$FX_WORK/nasty.db f
	assert_exit 0 "$CHECK" --write-nasty "$db"
	for f in html json dfxml; do
		assert_exit 0 "$CHECK" --report "$db" "$f" "$FX_WORK/nasty.$f" "K<9>&\"'"
	done
	if have_tool python3; then
		assert_exit 0 python3 "$FX_WORK/validate.py" "$SCHEMA" "$FX_WORK/nasty.json"
		run_cmd python3 - "$FX_WORK/nasty.html" "$FX_WORK/nasty.json" <<'EOF'
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = set(); self.text = []
    def handle_starttag(self, tag, attrs): self.tags.add(tag)
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
d = json.load(open(sys.argv[2]))
want = "<script>alert('x')</script>&\"'\x1b[31m"
print(sorted(p.tags - {"html", "head", "meta", "title", "style", "body",
      "header", "h1", "h2", "h3", "h4", "table", "tr", "th", "td", "p",
      "span", "div", "ul", "li", "section", "thead", "tbody", "a", "br"}))
print(want.replace("\x1b", "\ufffd") in "".join(p.text),
      d["evidence"][0]["description"] == want, d["audit"]["result"])
EOF
		assert_eq "[]"$'\n'"True True broken" "$(stdout_of_last)" "nasty HTML: only the report's own elements; text and JSON round-trip"
	fi
	if have_tool xmllint && [[ -f $XSD ]]; then
		assert_exit 0 xmllint --noout --schema "$XSD" "$FX_WORK/nasty.dfxml"
		assert_eq "<script>alert('x')</script>&\"'"$'\xef\xbf\xbd'"[31m" \
			"$(xpath "$FX_WORK/nasty.dfxml" "string(//*[local-name()='evidence']/*[local-name()='description'])")" \
			"nasty DFXML: the description round-trips (ESC as U+FFFD)"
	fi
}

# ---- HTML and PDF ----------------------------------------------------------

check_html_static() {
	local h=$FX_WORK/case.html
	assert_eq 0 "$(grep -ciE '<script|<link|<img|<iframe|<object|url\(|@import' "$h" || true)" "HTML: no scripts or external assets"
	assert_eq "" "$(grep -oE '(src|href)="[^#][^"]*"' "$h" || true)" "HTML: links only inside the file"
	if have_tool python3; then
		run_cmd python3 - "$h" <<'EOF'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.text = []; self.tags = set()
    def handle_starttag(self, tag, attrs): self.tags.add(tag)
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read()); p.close()
print("script" in p.tags, "b" in p.tags)
print("".join(p.text))
EOF
		assert_eq "False False" "$(head -n1 "$FX_OUT")" "HTML: the description's tags are text, not elements"
		assert_contains "$(stdout_of_last)" "$NASTY_DESC" "HTML: special characters round-trip"
	fi
}

# render HTML PDF [A4]: headless Chromium prints HTML to PDF.
render() {
	local src=$1 pdf=$2 profile
	if [[ ${3:-} == A4 ]]; then
		sed 's|</head>|<style>@page{size:A4}</style></head>|' "$1" >"$FX_WORK/a4.html"
		src=$FX_WORK/a4.html
	fi
	profile=$(mktemp -d "$FX_WORK/chromium.XXXXXX")
	run_cmd timeout 180 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --no-pdf-header-footer \
		--user-data-dir="$profile" --print-to-pdf="$pdf" "file://$src"
	[[ -s $pdf ]] || fail "chromium made no PDF (exit $FX_RC): $(stderr_of_last)"
	check_ok
}

check_pdf() {
	local pdf=$1 paper=$2 text page1 pages i
	assert_contains "$(pdfinfo "$pdf")" "$paper" "PDF paper size"
	pages=$(pdfinfo "$pdf" | awk '/^Pages:/ { print $2 }')
	text=$(pdftotext -layout "$pdf" -)
	for i in "${!ALL_HASHES[@]}"; do
		assert_eq "${HASH_TIMES[i]}" "$(grep -o -- "${ALL_HASHES[i]}" <<<"$text" | wc -l)" "PDF ($paper) shows hash ${ALL_HASHES[i]} unbroken"
	done
	assert_eq 1 "$(grep -cE '^ *1 +1000 +1007 +8 +512000 *$' <<<"$text")" "PDF ($paper): unreadable range 1 row"
	assert_eq 1 "$(grep -cE '^ *2 +976000000 +976000015 +16 +499712000000 *$' <<<"$text")" "PDF ($paper): unreadable range 2 row"
	assert_contains "$text" "24 unreadable sectors in 2 ranges" "PDF ($paper): unreadable count"
	assert_contains "$text" "None. Every sector was read." "PDF ($paper): HD-2 has none"
	assert_contains "$text" "$NASTY_DESC" "PDF ($paper): the description as text"
	# Page 1: the failed verification (line breaks and spacing normalised).
	page1=$(pdftotext -f 1 -l 1 "$pdf" - | tr -s ' \n' '  ')
	assert_contains "$page1" "$ALERT" "PDF ($paper): the failed verification on page 1"
	assert_contains "$page1" "Page 1 of $pages" "PDF ($paper): page footer"
	for ((i = 1; i <= pages; i++)); do
		assert_contains "$(pdftotext -f "$i" -l "$i" "$pdf" -)" "Case 2026-0042" "PDF ($paper): page $i header names the case"
	done
	assert_contains "$(pdftotext -f 2 -l 2 "$pdf" - | head -n 3)" "Evidence HD-1" "PDF ($paper): page 2 header names HD-1"
	assert_contains "$(pdftotext -f "$((pages - 1))" -l "$((pages - 1))" "$pdf" - | head -n 3)" "Evidence HD-2" "PDF ($paper): HD-2's last page header"
}

# ---- text ------------------------------------------------------------------

check_text() {
	local t=$FX_WORK/case.text i
	for i in "${!ALL_HASHES[@]}"; do
		assert_eq "${HASH_TIMES[i]}" "$(grep -cE "^ +(SHA-256|SHA-1|MD5) +${ALL_HASHES[i]}\$" "$t" || true)" "text: hash ${ALL_HASHES[i]} on its own line(s)"
	done
	assert_file_line "$t" "    1  1000               1007               8          512000" "text: unreadable range 1"
	assert_file_line "$t" "    2  976000000          976000015          16         499712000000" "text: unreadable range 2"
	assert_file_line "$t" "  Unreadable sectors: none. Every sector was read." "text: HD-2 has none"
	assert_file_line "$t" "Description:            $NASTY_DESC" "text: description verbatim"
	# a word (a path) longer than a line is never cut: it stands alone
	assert_eq 0 "$(awk 'length($0) > 78 && $0 !~ /^ *[^ ]+$/' "$t" | wc -l)" \
		"text: no line wider than 78 columns but a single word"
	assert_lt "$(grep -n 'FAILED: mismatch' "$t" | head -n1 | cut -d: -f1)" "$(grep -n '^Summary$' "$t" | cut -d: -f1)" "text: the failed verification comes first"
}

main() {
	begin
	local db=$FX_WORK/case.db f
	assert_exit 0 "$CHECK" --write-fixture "$db"
	for f in text html json dfxml; do
		assert_exit 0 "$CHECK" --report "$db" "$f" "$FX_WORK/case.$f"
	done
	assert_exit 1 "$CHECK" --report "$db" text "$FX_WORK/none.text" 2026-9999
	assert_contains "$(stderr_of_last)" '2026-9999' "not-found error names the case"
	check_text
	check_json
	check_dfxml
	check_html_static
	check_nasty
	if ! have_tool chromium || ! have_tool pdftotext || ! have_tool pdfinfo; then
		echo "($FX_CHECKS checks passed before the rendering)"
		skip "chromium or poppler-utils (pdftotext, pdfinfo) is not installed: HTML not rendered"
	fi
	render "$FX_WORK/case.html" "$FX_WORK/letter.pdf"
	check_pdf "$FX_WORK/letter.pdf" "(letter)"
	render "$FX_WORK/case.html" "$FX_WORK/a4.pdf" A4
	check_pdf "$FX_WORK/a4.pdf" "(A4)"
	fx_pass
}

main "$@"
