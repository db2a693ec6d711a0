#!/usr/bin/env python3
"""Checks libforensic's layering (docs/architecture.md, "Layers").

Every folder of libforensic/src is a layer and may include only its own
headers and those of the layers below it that it is allowed to use; a
private header (src/X/*.h) belongs to its folder X; a public header
(include/forensic/*.h) belongs to the layer that implements it. Public
headers follow the same rule among themselves. The tools (acquire/,
verify/, tools/) use the public API only.

The case database reaches SQLite only through its storage interface
(docs/casedb.md, "Storage backends"): no file of libforensic/src but
casedb/store_sqlite.c includes sqlite3.h or calls sqlite3_* (base/error.c
asks SQLite its version for fx_library_versions, and nothing else), and
PostgreSQL only through casedb/store_pg.c (libpq-fe.h, PQ* calls).

No header includes itself through others (an include circle), within a
layer or across: "include circle: A -> B -> A".

Usage: layers.py REPO_ROOT   Exit 0 when every include is allowed, else 1
with one line per forbidden include: "FILE:LINE: includes HEADER (layer
X may not use layer Y)".
       layers.py --self-test  Builds a small tree with one of each fault
in a temporary directory and checks that each is reported, exactly.
"""
import os
import re
import shutil
import sys
import tempfile

# Each layer and the layers it may use (besides itself), lowest first.
USES = {
    "base": set(),
    "conc": {"base"},
    "hash": {"base"},
    "ewf": {"base"},
    "source": {"base"},
    "sink": {"base", "conc", "hash", "ewf", "source"},
    "acquire": {"base", "conc", "hash", "source", "sink"},
    "image": {"base", "conc", "hash", "ewf", "source"},
    "casedb": {"base", "hash", "source", "sink", "acquire"},
    "verify": {"base", "conc", "hash", "source", "sink", "acquire",
               "image", "casedb"},
    "report": {"base", "hash", "source", "casedb", "verify"},
}

# The layer of each public header; forensic.h is the umbrella of the tools.
PUBLIC = {
    "common.h": "base", "types.h": "base", "util.h": "base", "json.h": "base",
    "hash.h": "hash", "source.h": "source", "sink.h": "sink",
    "acquire.h": "acquire", "image.h": "image", "casedb.h": "casedb",
    "verify.h": "verify", "report.h": "report",
}

# Generated headers and the layer that owns them.
GENERATED = {"fx_schemas.h": "casedb"}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')

# The files that may talk to SQLite, and what they may call.
ENGINE = re.compile(r'<sqlite3\.h>|\bsqlite3_\w+')
ENGINE_FILES = {os.path.join("casedb", "store_sqlite.c"): None,
                os.path.join("base", "error.c"): {"<sqlite3.h>",
                                                  "sqlite3_libversion"}}
# The files that may talk to PostgreSQL (libpq), and what they may call:
# like SQLite, one backend file.
PQ_ENGINE = re.compile(r'<libpq-fe\.h>|\bPQ[a-z]\w*\(')
PQ_ENGINE_FILES = {os.path.join("casedb", "store_pg.c"): None}


def layer_of(header):
    """The layer a quoted include belongs to, or None if unknown."""
    if header.startswith("forensic/"):
        return PUBLIC.get(header[len("forensic/"):])
    if header in GENERATED:
        return GENERATED[header]
    head = header.split("/", 1)[0]
    return head if head in USES and "/" in header else None


def check_file(path, layer, problems):
    allowed = USES[layer] | {layer}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            header = m.group(1)
            used = layer_of(header)
            if used is None:
                problems.append("%s:%d: includes %s (no layer owns it)"
                                % (path, n, header))
            elif used not in allowed:
                problems.append("%s:%d: includes %s (layer %s may not use "
                                "layer %s)" % (path, n, header, layer, used))


def check_engine(path, rel, problems):
    for engine, files, owner, name in (
            (ENGINE, ENGINE_FILES, "casedb/store_sqlite.c", "SQLite"),
            (PQ_ENGINE, PQ_ENGINE_FILES, "casedb/store_pg.c", "PostgreSQL")):
        allowed = files.get(rel, set())
        if allowed is None:
            continue
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                for m in engine.finditer(line):
                    if m.group(0) not in allowed:
                        problems.append("%s:%d: uses %s (only %s talks to %s)"
                                        % (path, n, m.group(0), owner, name))


def header_path(root, header):
    """The file a quoted include names, or None (a system or generated one)."""
    if header.startswith("forensic/"):
        p = os.path.join(root, "libforensic", "include", header)
    else:
        p = os.path.join(root, "libforensic", "src", header)
    return p if os.path.isfile(p) else None


def check_circles(root, problems):
    """Every include circle among the library's headers, once each."""
    graph = {}
    heads = []
    for base, _, names in os.walk(os.path.join(root, "libforensic")):
        heads += [os.path.join(base, n) for n in sorted(names) if n.endswith(".h")]
    for h in heads:
        with open(h, encoding="utf-8") as f:
            graph[h] = [p for p in (header_path(root, m.group(1)) for m in
                                    map(INCLUDE.match, f) if m) if p]
    state, seen = {}, set()

    def visit(h, stack):
        state[h] = 1
        stack.append(h)
        for nxt in graph.get(h, []):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):]
                key = frozenset(cyc)
                if key not in seen:
                    seen.add(key)
                    names = [os.path.relpath(x, root) for x in cyc + [nxt]]
                    problems.append("include circle: " + " -> ".join(names))
            elif not state.get(nxt):
                visit(nxt, stack)
        stack.pop()
        state[h] = 2

    for h in sorted(graph):
        if not state.get(h):
            visit(h, [])


def main(root):
    problems = []
    src = os.path.join(root, "libforensic", "src")
    for layer in sorted(os.listdir(src)):
        folder = os.path.join(src, layer)
        if not os.path.isdir(folder):
            continue
        if layer not in USES:
            problems.append("%s: a folder that is no layer" % folder)
            continue
        for name in sorted(os.listdir(folder)):
            if name.endswith((".c", ".h")):
                check_file(os.path.join(folder, name), layer, problems)
                check_engine(os.path.join(folder, name),
                             os.path.join(layer, name), problems)
    pub = os.path.join(root, "libforensic", "include", "forensic")
    for name in sorted(os.listdir(pub)):
        if name == "forensic.h" or not name.endswith(".h"):
            continue
        if name not in PUBLIC:
            problems.append("%s: a public header no layer owns" % name)
            continue
        check_file(os.path.join(pub, name), PUBLIC[name], problems)
    for tool in ("acquire", "verify", os.path.join("tools", "common")):
        folder = os.path.join(root, tool)
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".c", ".h")):
                continue
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if m and layer_of(m.group(1)) is not None and \
                            not m.group(1).startswith("forensic/"):
                        problems.append("%s:%d: a tool includes the private "
                                        "header %s" % (os.path.join(folder, name),
                                                       n, m.group(1)))
    check_circles(root, problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


def self_test():
    """A tree with one fault of each kind: each must be reported."""
    tmp = tempfile.mkdtemp(prefix="layers-")
    files = {
        "libforensic/include/forensic/verify.h": "",
        "libforensic/include/forensic/image.h": "",
        "libforensic/src/image/image.c": '#include "forensic/image.h"\n'
                                         '#include "forensic/verify.h"\n',
        "libforensic/src/casedb/write.c": "int f(void) { return sqlite3_step(0); }\n",
        "libforensic/src/casedb/read.c": "int g(void) { return PQexec(0, 0) != 0; }\n",
        "libforensic/src/base/a.h": '#include "base/b.h"\n',
        "libforensic/src/base/b.h": '#include "base/a.h"\n',
        "acquire/main.c": '#include "image/image_int.h"\n',
        "verify/main.c": "", "tools/common/tool.c": "",
    }
    want = [
        "libforensic/src/casedb/read.c:1: uses PQexec( (only "
        "casedb/store_pg.c talks to PostgreSQL)",
        "libforensic/src/casedb/write.c:1: uses sqlite3_step (only "
        "casedb/store_sqlite.c talks to SQLite)",
        "libforensic/src/image/image.c:2: includes forensic/verify.h "
        "(layer image may not use layer verify)",
        "acquire/main.c:1: a tool includes the private header image/image_int.h",
        "include circle: libforensic/src/base/a.h -> libforensic/src/base/b.h"
        " -> libforensic/src/base/a.h",
    ]
    try:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as f:
                f.write(text)
        import io
        import contextlib
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = main(tmp)
        got = [line.replace(tmp + os.sep, "") for line in out.getvalue().splitlines()]
        if rc != 1 or got != want:
            print("self-test FAILED: exit %d, reported:" % rc)
            for line in got:
                print("  " + line)
            return 1
        print("self-test: %d faults reported exactly" % len(want))
        return 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--self-test":
        sys.exit(self_test())
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
