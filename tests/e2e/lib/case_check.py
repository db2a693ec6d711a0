#!/usr/bin/env python3
"""Checks a CASE report (verify report --format case) against the case
database it was made from, for tests/e2e/report_case.sh.

The report is parsed as JSON-LD by rdflib (Debian: python3-rdflib) with
literals kept as written (no normalisation), and read with SPARQL only;
the database is read with Python's sqlite3, not with libforensic. Every
acquisition, verification and custody transfer of the database must be in
the graph, at the IRI a third party computes from the record (UUIDv5, see
docs/reports.md), with its times, hashes, files, people and places exactly
as recorded, and nothing else may be there.

  case_check.py record REPORT DB [MD5 SHA1 SHA256]
      the record; with the media hashes, every completed acquisition's
      image and every verification that passed must have exactly those
  case_check.py hostile REPORT DB
      every text of the database is a literal of the graph, character for
      character
  case_check.py full REPORT DB [MD5 SHA1 SHA256]
      the record, and every resume (acquisition.resume events), export and
      RFC 3161 anchor of the database, exactly; with the media hashes,
      every export's media must have them too
Prints one summary line; exits 1 naming the first difference.
"""
import json
import re
import sqlite3
import sys
import uuid

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

rdflib.NORMALIZE_LITERALS = False   # the lexical forms as written

NS = uuid.UUID("b69e33d6-724c-4410-a780-02947622e403")
KB = "urn:libforensic:kb:"
INV = "https://ontology.caseontology.org/case/investigation/"
UCO = "https://ontology.unifiedcyberontology.org/uco/"
PREFIXES = "\n".join("PREFIX %s: <%s>" % p for p in [
    ("case-investigation", INV), ("uco-core", UCO + "core/"),
    ("uco-action", UCO + "action/"), ("uco-observable", UCO + "observable/"),
    ("uco-tool", UCO + "tool/"), ("uco-types", UCO + "types/"),
    ("uco-identity", UCO + "identity/"), ("uco-location", UCO + "location/"),
    ("uco-configuration", UCO + "configuration/")]) + "\n"
UUID_END = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-5][0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")

checks = 0


def fail(msg):
    print("case_check: " + msg, file=sys.stderr)
    sys.exit(1)


def eq(want, have, what):
    global checks
    if want != have:
        fail("%s: expected %r, found %r" % (what, want, have))
    checks += 1


def key_iri(kind, *parts):
    name = json.dumps(list(parts), separators=(",", ":"), ensure_ascii=False)
    return URIRef(KB + kind + "-" + str(uuid.uuid5(NS, name)))


def child_iri(parent, kind, suffix):
    compact = "kb:" + str(parent)[len(KB):]
    return URIRef(KB + kind + "-" + str(uuid.uuid5(NS, compact + "/" + suffix)))


def agent_iri(kind, name):
    return key_iri(kind, kind, name)


def q(g, query, **bindings):
    return list(g.query(PREFIXES + query, initBindings=bindings))


def one(g, query, what, **bindings):
    rows = q(g, query, **bindings)
    if len(rows) != 1:
        fail("%s: %d results, expected 1" % (what, len(rows)))
    return rows[0]


def time_literal(lit, want, what):
    eq(want, None if lit is None else str(lit), what)
    if lit is not None:
        eq(XSD.dateTime, lit.datatype, what + " datatype")


def name_of(g, node, what):
    if node is None:
        return None
    row = one(g, "SELECT ?n WHERE { ?x uco-core:name ?n }", what, x=node)
    return str(row[0])


def structure(g):
    """UCO: no blank nodes; every node's IRI ends with a UUID; every Hash
    has one method and one xsd:hexBinary value."""
    for s, p, o in g:
        if isinstance(s, BNode) or isinstance(o, BNode):
            fail("a blank node: %s %s %s" % (s, p, o))
    for s in set(g.subjects(RDF.type, None)):
        if not UUID_END.search(str(s)):
            fail("IRI without a UUID at its end: %s" % s)
    for row in q(g, """SELECT ?h (COUNT(?m) AS ?nm) (COUNT(?v) AS ?nv)
            (SAMPLE(DATATYPE(?v)) AS ?dt) WHERE { ?h a uco-types:Hash ;
            uco-types:hashMethod ?m ; uco-types:hashValue ?v } GROUP BY ?h"""):
        eq((1, 1, XSD.hexBinary), (int(row[1]), int(row[2]), row[3]),
           "hash %s: one method, one hexBinary value" % row[0])


def hashes_of(g, node):
    """{method: value} of the ContentDataFacet of node."""
    out = {}
    for m, v in q(g, """SELECT ?m ?v WHERE { ?x uco-core:hasFacet ?f .
            ?f a uco-observable:ContentDataFacet ; uco-observable:hash ?h .
            ?h uco-types:hashMethod ?m ; uco-types:hashValue ?v }""", x=node):
        out[str(m)] = str(v)
    return out


def db_hashes(db, column, rid):
    rows = db.execute("SELECT algorithm, value FROM hashes WHERE %s = ? AND "
                      "scope = 'image'" % column, (rid,)).fetchall()
    names = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256"}
    return {names[a]: v for a, v in rows}


def action_iris(g, name):
    return {r[0] for r in q(g, """SELECT ?a WHERE {
        ?a a case-investigation:InvestigativeAction ; uco-core:name ?n }""",
        n=Literal(name))}


ACQ_STATUS = {"running": "Ongoing", "completed": "Success",
              "completed_with_errors": "Complete/Finish", "failed": "Fail",
              "interrupted": "Error"}
VER_STATUS = {"verified": "Success", "mismatch": "Fail", "error": "Error",
              "interrupted": "Unknown"}


def check_action(g, a, what, start, end, status, performer, location):
    row = one(g, """SELECT ?s ?e ?st ?p ?l WHERE {
        OPTIONAL { ?a uco-action:startTime ?s } OPTIONAL { ?a uco-action:endTime ?e }
        OPTIONAL { ?a uco-action:actionStatus ?st }
        OPTIONAL { ?a uco-action:performer ?p } OPTIONAL { ?a uco-action:location ?l } }""",
               what, a=a)
    time_literal(row[0], start, what + " startTime")
    time_literal(row[1], end, what + " endTime")
    eq(status, None if row[2] is None else str(row[2]), what + " actionStatus")
    eq(performer, name_of(g, row[3], what + " performer"), what + " performer")
    eq(location, name_of(g, row[4], what + " location"), what + " location")
    if row[3] is not None:
        eq(agent_iri("identity", performer), row[3], what + " performer IRI")
    if row[4] is not None:
        eq(agent_iri("location", location), row[4], what + " location IRI")


def check_tool(g, a, what, tool, version):
    row = one(g, """SELECT ?n ?v WHERE { ?a uco-action:instrument ?t .
        ?t a uco-tool:ConfiguredTool ; uco-core:name ?n ; uco-tool:version ?v }""",
              what + " instrument", a=a)
    eq((tool, version), (str(row[0]), str(row[1])), what + " tool and version")


def check_configuration(g, a, what, params, command_line):
    want = {}
    if params is not None:
        for k, v in json.loads(params).items():
            want[k] = (None if v is None else
                       ("true" if v else "false") if isinstance(v, bool) else
                       v if isinstance(v, str) else
                       json.dumps(v, separators=(",", ":"), ensure_ascii=False))
    if command_line is not None:
        want["command_line"] = command_line
    have = {}
    for n, v in q(g, """SELECT ?n ?v WHERE { ?a uco-action:instrument ?t .
            ?t uco-configuration:usesConfiguration ?c .
            ?c uco-configuration:configurationEntry ?e .
            ?e uco-configuration:itemName ?n .
            OPTIONAL { ?e uco-configuration:itemValue ?v } }""", a=a):
        have[str(n)] = None if v is None else str(v)
    eq(want, have, what + " configuration entries")


def check_acquisitions(g, db, media):
    rows = db.execute("""SELECT a.id, c.case_number, e.evidence_number,
        a.start_utc, a.end_utc, a.status, a.operator, a.host, a.tool,
        a.tool_version, a.parameters_json, a.command_line, a.bytes_acquired,
        a.format FROM acquisitions a JOIN evidence e ON e.id = a.evidence_id
        JOIN cases c ON c.id = e.case_id ORDER BY a.id""").fetchall()
    want = set()
    for (aid, case, ev, start, end, status, op, host, tool, ver, params,
         cmd, nbytes, fmt) in rows:
        a = key_iri("investigative-action", "acquisition", case, ev, start, aid)
        want.add(a)
        what = "acquisition %d" % aid
        check_action(g, a, what, start, end, ACQ_STATUS[status], op, host)
        check_tool(g, a, what, tool, ver)
        check_configuration(g, a, what, params, cmd)
        device = key_iri("device", "device", case, ev)
        eq({device}, {r[0] for r in q(g, "SELECT ?o WHERE { ?a uco-action:object ?o }", a=a)},
           what + " object: the device")
        image = child_iri(a, "image", "image")
        row = one(g, """SELECT ?t ?n WHERE { ?i a uco-observable:Image ;
            uco-core:hasFacet ?f , ?c . ?f uco-observable:imageType ?t .
            ?c a uco-observable:ContentDataFacet ; uco-observable:sizeInBytes ?n }""",
                  what + " image", i=image)
        eq((fmt, nbytes), (str(row[0]), int(row[1])), what + " image type and size")
        hashes = hashes_of(g, image)
        eq(db_hashes(db, "acquisition_id", aid), hashes, what + " image hashes")
        if media and status in ("completed", "completed_with_errors"):
            eq(media, hashes, what + " image hashes = the media's")
        files = db.execute("SELECT path, size_bytes, sha256 FROM image_files "
                           "WHERE acquisition_id = ? ORDER BY id", (aid,)).fetchall()
        have_files = set()
        for i, (path, size, sha) in enumerate(files):
            f = child_iri(a, "file", "file/%d" % i)
            row = one(g, """SELECT ?p ?n ?s WHERE { ?f a uco-observable:File ;
                uco-core:hasFacet ?ff . ?ff a uco-observable:FileFacet ;
                uco-observable:filePath ?p ; uco-observable:sizeInBytes ?n ;
                uco-observable:fileName ?s }""", what + " file %d" % i, f=f)
            eq((path, size, path.rsplit("/", 1)[-1]),
               (str(row[0]), int(row[1]), str(row[2])), what + " file %d" % i)
            eq({"SHA256": sha} if sha else {}, hashes_of(g, f),
               what + " file %d SHA-256" % i)
            have_files.add(f)
        # the copies' files (acquire --copy): "copy/N/file/I"
        copies = db.execute("""SELECT s.copy_number, f.path, f.size_bytes, f.sha256
            FROM image_sets s JOIN image_set_files f ON f.image_set_id = s.id
            WHERE s.acquisition_id = ? ORDER BY s.copy_number, f.id""", (aid,)).fetchall()
        nth = {}
        for (copy, path, size, sha) in copies:
            i = nth.get(copy, 0)
            nth[copy] = i + 1
            f = child_iri(a, "file", "copy/%d/file/%d" % (copy, i))
            row = one(g, """SELECT ?p ?n WHERE { ?f a uco-observable:File ;
                uco-core:hasFacet ?ff . ?ff a uco-observable:FileFacet ;
                uco-observable:filePath ?p ; uco-observable:sizeInBytes ?n }""",
                      what + " copy %d file %d" % (copy, i), f=f)
            eq((path, size), (str(row[0]), int(row[1])), what + " copy %d file %d" % (copy, i))
            eq({"SHA256": sha} if sha else {}, hashes_of(g, f),
               what + " copy %d file %d SHA-256" % (copy, i))
            have_files.add(f)
        results = {r[0] for r in q(g, "SELECT ?r WHERE { ?a uco-action:result ?r }", a=a)}
        record = child_iri(a, "provenance-record", "provenance-record")
        eq({image, record} | have_files, results, what + " results")
        row = one(g, """SELECT ?x ?r WHERE { ?p a case-investigation:ProvenanceRecord ;
            case-investigation:exhibitNumber ?x ; case-investigation:rootExhibitNumber ?r }""",
                  what + " provenance record", p=record)
        eq((ev, ev), (str(row[0]), str(row[1])), what + " exhibit number")
        eq({image} | have_files,
           {r[0] for r in q(g, "SELECT ?o WHERE { ?p uco-core:object ?o }", p=record)},
           what + " provenance record objects")
    eq(want, action_iris(g, "acquisition"), "the acquisitions in the graph")
    return len(rows)


def check_verifications(g, db, media):
    rows = db.execute("""SELECT v.id, c.case_number, e.evidence_number,
        v.time_utc, v.result, v.actor, v.host, v.tool, v.tool_version,
        v.acquisition_id, a.start_utc FROM verifications v
        JOIN evidence e ON e.id = v.evidence_id JOIN cases c ON c.id = e.case_id
        LEFT JOIN acquisitions a ON a.id = v.acquisition_id ORDER BY v.id""").fetchall()
    want = set()
    for (vid, case, ev, t, result, actor, host, tool, ver, aid, astart) in rows:
        v = key_iri("investigative-action", "verification", case, ev, t, vid)
        want.add(v)
        what = "verification %d" % vid
        check_action(g, v, what, None, t, VER_STATUS[result], actor, host)
        check_tool(g, v, what, tool, ver)
        descr = {str(r[0]) for r in q(g, "SELECT ?d WHERE { ?v uco-core:description ?d }", v=v)}
        eq(True, "result: " + result in descr, what + " result stated")
        data = child_iri(v, "observable", "data-read")
        eq({data}, {r[0] for r in q(g, "SELECT ?r WHERE { ?v uco-action:result ?r }", v=v)},
           what + " result")
        hashes = hashes_of(g, data)
        eq(db_hashes(db, "verification_id", vid), hashes, what + " hashes")
        if media and result == "verified":
            eq(media, hashes, what + " hashes = the media's")
        informed = {r[0] for r in q(g, "SELECT ?a WHERE { ?v case-investigation:wasInformedBy ?a }", v=v)}
        acq = set()
        if aid is not None:
            acq = {key_iri("investigative-action", "acquisition", case, ev, astart, aid)}
        eq(acq, informed, what + " wasInformedBy its acquisition")
    eq(want, action_iris(g, "verification"), "the verifications in the graph")
    failed = len(q(g, """SELECT ?v WHERE { ?v uco-core:name "verification" ;
        uco-action:actionStatus "Fail" }"""))
    return len(rows), failed


def check_custody(g, db):
    rows = db.execute("""SELECT t.id, c.case_number, e.evidence_number,
        t.time_utc, t.from_party, t.to_party, t.location, t.reason, t.actor
        FROM custody_events t JOIN evidence e ON e.id = t.evidence_id
        JOIN cases c ON c.id = e.case_id ORDER BY t.id""").fetchall()
    want = set()
    for (tid, case, ev, t, frm, to, loc, reason, actor) in rows:
        a = key_iri("investigative-action", "custody", case, ev, t, tid)
        want.add(a)
        what = "custody transfer %d" % tid
        check_action(g, a, what, t, t, None, frm, loc)
        parts = [r[0] for r in q(g, "SELECT ?p WHERE { ?a uco-action:participant ?p }", a=a)]
        eq([to], [name_of(g, p, what + " participant") for p in parts], what + " to")
        eq([reason] if reason is not None else [],
           [str(r[0]) for r in q(g, "SELECT ?d WHERE { ?a uco-core:description ?d }", a=a)],
           what + " reason")
        record = child_iri(a, "provenance-record", "provenance-record")
        row = one(g, """SELECT ?x ?c ?t WHERE { ?a uco-action:result ?p .
            ?p a case-investigation:ProvenanceRecord ;
            case-investigation:exhibitNumber ?x ; uco-core:createdBy ?c ;
            uco-core:objectCreatedTime ?t }""", what + " provenance record", a=a)
        eq(ev, str(row[0]), what + " exhibit number")
        eq(actor, name_of(g, row[1], what + " recorded by"), what + " recorded by")
        time_literal(row[2], t, what + " record time")
        device = key_iri("device", "device", case, ev)
        held = {r[0] for r in q(g, "SELECT ?o WHERE { ?p uco-core:object ?o }", p=record)}
        eq(True, device in held, what + " holds the device")
        eq(held, {r[0] for r in q(g, "SELECT ?o WHERE { ?a uco-action:object ?o }", a=a)},
           what + " action object = record objects")
    eq(want, action_iris(g, "custody transfer"), "the custody transfers in the graph")
    return len(rows)


def check_case(g, db):
    rows = db.execute("SELECT case_number, description, created_utc FROM cases").fetchall()
    for case, descr, created in rows:
        inv = key_iri("investigation", "investigation", case)
        row = one(g, """SELECT ?n ?t WHERE { ?i a case-investigation:Investigation ;
            uco-core:name ?n ; uco-core:objectCreatedTime ?t }""", "the case", i=inv)
        eq(case, str(row[0]), "case number")
        time_literal(row[1], created, "case created")
        eq([descr] if descr is not None else [],
           [str(r[0]) for r in q(g, "SELECT ?d WHERE { ?i uco-core:description ?d }", i=inv)],
           "case description")
    for case, ev, descr, vendor, model, serial, size in db.execute(
            """SELECT c.case_number, e.evidence_number, e.description, e.vendor,
            e.model, e.serial, e.size_bytes FROM evidence e JOIN cases c ON c.id = e.case_id"""):
        dev = key_iri("device", "device", case, ev)
        row = one(g, """SELECT ?m ?s ?v ?n WHERE { ?d a uco-observable:Device .
            OPTIONAL { ?d uco-core:hasFacet ?f . ?f a uco-observable:DeviceFacet .
              OPTIONAL { ?f uco-observable:model ?m } OPTIONAL { ?f uco-observable:serialNumber ?s }
              OPTIONAL { ?f uco-observable:manufacturer/uco-core:name ?v } }
            OPTIONAL { ?d uco-core:hasFacet ?g .
              ?g uco-observable:totalStorageCapacityInBytes ?n } }""",
                  "device " + ev, d=dev)
        eq((model, serial, vendor, size),
           tuple(None if x is None else (int(x) if i == 3 else str(x))
                 for i, x in enumerate(row)), "device %s identity" % ev)
        exhibit = key_iri("provenance-record", "exhibit", case, ev)
        eq(ev, str(one(g, """SELECT ?x WHERE { ?p case-investigation:exhibitNumber ?x ;
            uco-core:object ?d }""", "exhibit " + ev, p=exhibit, d=dev)[0]), "exhibit number")


def acq_iri_of(db, aid):
    case, ev, start = db.execute("""SELECT c.case_number, e.evidence_number,
        a.start_utc FROM acquisitions a JOIN evidence e ON e.id = a.evidence_id
        JOIN cases c ON c.id = e.case_id WHERE a.id = ?""", (aid,)).fetchone()
    return key_iri("investigative-action", "acquisition", case, ev, start, aid), case, ev


def image_and_files(db, action, table, column, rid):
    n = db.execute("SELECT count(*) FROM %s WHERE %s = ?" % (table, column),
                   (rid,)).fetchone()[0]
    return {child_iri(action, "image", "image")} | \
        {child_iri(action, "file", "file/%d" % i) for i in range(n)}


def objects(g, a, prop):
    return {r[0] for r in q(g, "SELECT ?o WHERE { ?a %s ?o }" % prop, a=a)}


def check_resumes(g, db):
    """Each resume is an action of its own (who, where, when, from which
    byte), a subaction of its acquisition, at the acquisition's IRI +
    "/resume/N"."""
    rows = db.execute("""SELECT time_utc, actor, host,
        json_extract(content, '$.acquisition_id'), json_extract(content, '$.from_byte')
        FROM audit_log WHERE action = 'acquisition.resume' ORDER BY seq""").fetchall()
    want, nth, subs = set(), {}, {}
    for (t, actor, host, aid, frm) in rows:
        acq, case, ev = acq_iri_of(db, aid)
        nth[aid] = nth.get(aid, 0) + 1
        r = child_iri(acq, "investigative-action", "resume/%d" % nth[aid])
        want.add(r)
        subs.setdefault(acq, set()).add(r)
        what = "resume %d of acquisition %d" % (nth[aid], aid)
        check_action(g, r, what, t, None, None, actor, host)
        eq(["resumed from byte %d" % frm],
           [str(x[0]) for x in q(g, "SELECT ?d WHERE { ?a uco-core:description ?d }", a=r)],
           what + " from byte")
        eq({key_iri("device", "device", case, ev)}, objects(g, r, "uco-action:object"),
           what + " object: the device")
        eq(image_and_files(db, acq, "image_files", "acquisition_id", aid),
           objects(g, r, "uco-action:result"), what + " result: the image and its files")
    for acq in action_iris(g, "acquisition"):
        eq(subs.get(acq, set()), objects(g, acq, "uco-action:subaction"),
           "subactions of %s: its resumes" % acq)
    eq(want, action_iris(g, "acquisition resume"), "the resumes in the graph")
    return len(rows)


def check_exports(g, db, media):
    rows = db.execute("""SELECT x.id, c.case_number, e.evidence_number, x.time_utc,
        x.actor, x.host, x.tool, x.tool_version, x.format, x.path, x.media_bytes,
        x.md5, x.sha1, x.sha256, x.acquisition_id, x.verification_id, v.time_utc
        FROM exports x JOIN evidence e ON e.id = x.evidence_id
        JOIN cases c ON c.id = e.case_id JOIN verifications v ON v.id = x.verification_id
        ORDER BY x.id""").fetchall()
    want = set()
    for (xid, case, ev, t, actor, host, tool, ver, fmt, path, nbytes, md5, sha1,
         sha256, aid, vid, vtime) in rows:
        x = key_iri("investigative-action", "export", case, ev, t, xid)
        want.add(x)
        what = "export %d" % xid
        check_action(g, x, what, None, t, "Success", actor, host)
        check_tool(g, x, what, tool, ver)
        have = {str(n): str(v) for n, v in q(g, """SELECT ?n ?v WHERE {
            ?a uco-action:instrument/uco-configuration:usesConfiguration/uco-configuration:configurationEntry ?e .
            ?e uco-configuration:itemName ?n ; uco-configuration:itemValue ?v }""", a=x)}
        eq({"format": fmt, "output": path}, have, what + " configuration: format and output")
        acq = acq_iri_of(db, aid)[0]
        eq({acq, key_iri("investigative-action", "verification", case, ev, vtime, vid)},
           objects(g, x, "case-investigation:wasInformedBy"),
           what + " wasInformedBy its verification and acquisition")
        eq(image_and_files(db, acq, "image_files", "acquisition_id", aid),
           objects(g, x, "uco-action:object"), what + " object: the acquisition's image")
        image = child_iri(x, "image", "image")
        row = one(g, """SELECT ?t ?n WHERE { ?i a uco-observable:Image ;
            uco-core:hasFacet ?f , ?c . ?f uco-observable:imageType ?t .
            ?c a uco-observable:ContentDataFacet ; uco-observable:sizeInBytes ?n }""",
                  what + " image", i=image)
        eq((fmt, nbytes), (str(row[0]), int(row[1])), what + " image type and size")
        hashes = {k: v for k, v in (("MD5", md5), ("SHA1", sha1), ("SHA256", sha256)) if v}
        eq(hashes, hashes_of(g, image), what + " media hashes")
        if media:
            eq(media, hashes_of(g, image), what + " media hashes = the media's")
        files = db.execute("SELECT path, size_bytes, sha256 FROM export_files "
                           "WHERE export_id = ? ORDER BY id", (xid,)).fetchall()
        have_files = set()
        for i, (fpath, size, sha) in enumerate(files):
            f = child_iri(x, "file", "file/%d" % i)
            row = one(g, """SELECT ?p ?n ?s WHERE { ?f a uco-observable:File ;
                uco-core:hasFacet ?ff . ?ff a uco-observable:FileFacet ;
                uco-observable:filePath ?p ; uco-observable:sizeInBytes ?n ;
                uco-observable:fileName ?s }""", what + " file %d" % i, f=f)
            eq((fpath, size, fpath.rsplit("/", 1)[-1]),
               (str(row[0]), int(row[1]), str(row[2])), what + " file %d" % i)
            eq({"SHA256": sha}, hashes_of(g, f), what + " file %d SHA-256" % i)
            have_files.add(f)
        record = child_iri(x, "provenance-record", "provenance-record")
        eq({image, record} | have_files, objects(g, x, "uco-action:result"), what + " results")
        eq(ev, str(one(g, """SELECT ?x WHERE { ?p a case-investigation:ProvenanceRecord ;
            case-investigation:exhibitNumber ?x }""", what + " record", p=record)[0]),
           what + " exhibit number")
        eq({image} | have_files, objects(g, record, "uco-core:object"), what + " record objects")
    eq(want, action_iris(g, "export"), "the exports in the graph")
    return len(rows)


def check_anchors(g, db, case):
    """Each anchor is an action of the TSA (an organization named by its
    URL) on the investigation; a stamped one's result is the token, with
    its SHA-256; a missing one says why, with status Fail."""
    rows = db.execute("""SELECT id, seq, head_hash, tsa_url, status, error,
        token_sha256, token_time_utc, requested_utc FROM anchors ORDER BY id""").fetchall()
    want, missing = set(), 0
    inv = key_iri("investigation", "investigation", case)
    for (aid, seq, head, url, status, error, token, ttime, req) in rows:
        a = key_iri("action", "anchor", case, head, aid)
        want.add(a)
        what = "anchor %d" % aid
        row = one(g, """SELECT ?s ?e ?st ?p WHERE { ?a a uco-action:Action ;
            uco-core:name "audit chain time-stamp" ; uco-action:actionStatus ?st ;
            uco-action:performer ?p . OPTIONAL { ?a uco-action:startTime ?s }
            OPTIONAL { ?a uco-action:endTime ?e } }""", what, a=a)
        time_literal(row[0], req, what + " startTime")
        time_literal(row[1], ttime if status == "stamped" else None, what + " endTime")
        eq("Success" if status == "stamped" else "Fail", str(row[2]), what + " actionStatus")
        eq(agent_iri("organization", url), row[3], what + " performer: the TSA")
        eq(url, name_of(g, row[3], what + " TSA"), what + " TSA URL")
        eq({inv}, objects(g, a, "uco-action:object"), what + " object: the investigation")
        descr = {str(r[0]) for r in q(g, "SELECT ?d WHERE { ?a uco-core:description ?d }", a=a)}
        eq(True, ("time-stamp of event %d of the case database's audit chain, hash %s "
                  "(imprint: SHA-256 of \"libforensic-anchor v1 seq=%d hash=%s\")"
                  % (seq, head, seq, head)) in descr, what + " the anchored head")
        if status == "stamped":
            tok = child_iri(a, "observable", "token")
            eq({tok}, objects(g, a, "uco-action:result"), what + " result: the token")
            eq({"SHA256": token}, hashes_of(g, tok), what + " token SHA-256")
            eq(True, "state: not_checked" in descr, what + " state stated")
        else:
            missing += 1
            eq(set(), objects(g, a, "uco-action:result"), what + " no token")
            eq(True, "state: missing" in descr, what + " state stated")
            eq(True, "anchor %d of event %d was not time-stamped: %s" % (aid, seq, error)
               in descr, what + " why it is missing")
    have = {r[0] for r in q(g, """SELECT ?a WHERE { ?a a uco-action:Action ;
        uco-core:name "audit chain time-stamp" }""")}
    eq(want, have, "the anchors in the graph")
    eq(want, {x for x in objects(g, inv, "uco-core:object") if x in want | have},
       "the anchors are objects of the investigation")
    return len(rows), missing


def literals(g):
    return {str(o) for o in g.objects() if isinstance(o, Literal)}


def main():
    mode, report, dbpath = sys.argv[1:4]
    g = rdflib.Graph()
    g.parse(report, format="json-ld")
    db = sqlite3.connect("file:%s?mode=ro" % dbpath, uri=True)
    structure(g)
    if mode == "hostile":
        have = literals(g)
        texts = set()
        for table, cols in [
                ("cases", "case_number, description"),
                ("evidence", "evidence_number, description, notes, examiner, vendor, model, serial"),
                ("acquisitions", "operator, host, tool, tool_version, command_line"),
                ("image_files", "path"),
                ("verifications", "actor, host, tool, tool_version, findings"),
                ("custody_events", "from_party, to_party, location, reason, actor")]:
            for row in db.execute("SELECT %s FROM %s" % (cols, table)):
                texts.update(t for t in row if t is not None)
        missing = sorted(t for t in texts if t not in have)
        if missing:
            fail("not in the graph as recorded: %r" % missing)
        check_case(g, db)
        n = (check_acquisitions(g, db, None), check_verifications(g, db, None)[0],
             check_custody(g, db))
        print("hostile: %d texts exact; %d acquisitions, %d verifications, "
              "%d custody transfers" % ((len(texts),) + n))
        return
    media = None
    if len(sys.argv) == 7:
        media = {"MD5": sys.argv[4], "SHA1": sys.argv[5], "SHA256": sys.argv[6]}
    check_case(g, db)
    n = (check_acquisitions(g, db, media),) + check_verifications(g, db, media) + \
        (check_custody(g, db),)
    print("record: %d acquisitions, %d verifications (%d failed), "
          "%d custody transfers" % n)
    if mode == "full":
        case = db.execute("SELECT case_number FROM cases").fetchone()[0]
        n = (check_resumes(g, db), check_exports(g, db, media)) + \
            check_anchors(g, db, case)
        print("full: %d resumes, %d exports, %d anchors (%d missing)" % n)


main()
