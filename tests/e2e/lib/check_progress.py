#!/usr/bin/env python3
"""Checks the --progress json lines a tool wrote on stderr (docs/progress.md).

check_progress.py STDERR PHASES EXIT STATUS [key=value...]

PHASES: the phases in order, comma-separated, "done" last (each phase's
lines are consecutive). EXIT, STATUS: the done line's. Options:
  size=N        every reading/verifying(-source) line has total N (or null
                when nulls=1) and each such phase ends at bytes N
  files=N       the hashing phase's last line has files == files_total == N
  files_bytes=N ... and bytes == total == N
  image=PATH    every line but done carries "image": PATH
  messages=N    exactly N lines are not JSON (plain messages, each starting
                with the tool's name and ": ")
  tool=NAME     the tool's name for messages (default acquire)
  done.KEY=V    the done line's KEY is V (as JSON text: 0, "verified", null)
  read_is_done=1  the reading phase's last line has the done line's bytes
  resumed_from=N  a resume: the resuming phase goes from 0 to its total N
                (its last line at N), and reading's first line is at N
Prints "ok: N lines" or one line saying what is wrong, and exits 1.
"""
import json
import sys

PROGRESS_KEYS = ["t", "phase", "bytes", "total", "unreadable_sectors",
                 "elapsed_s", "mb_per_s", "avg_mb_per_s", "eta_s"]
FILES_KEYS = ["files", "files_total"]
MEDIA_PHASES = ("reading", "verifying", "verifying-source")
FILE_PHASES = ("hashing-segments", "hashing-files")


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    path, phases, want_exit, want_status = sys.argv[1:5]
    opts = dict(a.split("=", 1) for a in sys.argv[5:])
    phases = phases.split(",")
    tool = opts.get("tool", "acquire")
    lines, messages = [], []
    with open(path, "rb") as f:
        raw = f.read()
    if raw and not raw.endswith(b"\n"):
        fail("stderr does not end with a line feed")
    for n, text in enumerate(raw.decode("utf-8").splitlines(), 1):
        if not text.startswith("{"):
            if not text.startswith(tool + ": "):
                fail("line %d is neither JSON nor a message of %s: %r"
                     % (n, tool, text))
            messages.append(text)
            continue
        try:
            obj = json.loads(text)
        except ValueError as e:
            fail("line %d is not valid JSON (%s): %r" % (n, e, text))
        if not isinstance(obj, dict):
            fail("line %d is not an object: %r" % (n, text))
        lines.append(obj)
    if "messages" in opts and len(messages) != int(opts["messages"]):
        fail("%d message line(s), expected %s: %r"
             % (len(messages), opts["messages"], messages))
    if not lines:
        fail("no JSON line")
    # phases in order, each once, done last and alone
    seen = []
    for obj in lines:
        if not seen or seen[-1] != obj.get("phase"):
            seen.append(obj.get("phase"))
    if seen != phases:
        fail("phases %s, expected %s" % (",".join(map(str, seen)),
                                        ",".join(phases)))
    if [o["phase"] for o in lines].count("done") != 1:
        fail("not exactly one done line")
    # t never goes back
    ts = [o["t"] for o in lines]
    if any(b < a for a, b in zip(ts, ts[1:])):
        fail("t goes back: %s" % ts)
    progress = lines[:-1]
    for i, o in enumerate(progress):
        keys = PROGRESS_KEYS + (FILES_KEYS if o["phase"] in FILE_PHASES
                                else [])
        if "image" in opts:
            keys = keys + ["image"]
            if o.get("image") != opts["image"]:
                fail("line %d: image %r, expected %r"
                     % (i + 1, o.get("image"), opts["image"]))
        if sorted(o.keys()) != sorted(keys):
            fail("line %d: keys %s, expected %s"
                 % (i + 1, sorted(o.keys()), sorted(keys)))
        for k in ("mb_per_s", "avg_mb_per_s", "elapsed_s"):
            if not isinstance(o[k], (int, float)) or o[k] < 0:
                fail("line %d: %s is %r" % (i + 1, k, o[k]))
        if o["eta_s"] is not None and (not isinstance(o["eta_s"], int)
                                       or o["eta_s"] < 0):
            fail("line %d: eta_s is %r" % (i + 1, o["eta_s"]))
    # per phase: bytes never go back, the rate limit, the ends
    for ph in phases[:-1]:
        mine = [o for o in progress if o["phase"] == ph]
        for a, b in zip(mine, mine[1:]):
            if b["bytes"] < a["bytes"] or b["elapsed_s"] < a["elapsed_s"]:
                fail("%s: bytes or elapsed_s go back: %r then %r" % (ph, a, b))
        # at most two lines a second; a phase's last line may come sooner
        for a, b in zip(mine, mine[1:-1]):
            if b["t"] - a["t"] < 0.5:
                fail("%s: two lines %.3f s apart (t %.3f, %.3f)"
                     % (ph, b["t"] - a["t"], a["t"], b["t"]))
        if ph == "resuming":
            n = int(opts.get("resumed_from", "-1"))
            if mine[0]["bytes"] != 0 or any(o["total"] != n for o in mine) \
                    or mine[-1]["bytes"] != n:
                fail("resuming: from %d to %d of %r, expected 0 to %d"
                     % (mine[0]["bytes"], mine[-1]["bytes"], mine[-1]["total"], n))
        if ph in MEDIA_PHASES:
            first = 0
            if ph == "reading" and "resumed_from" in opts:
                first = int(opts["resumed_from"])
            if mine[0]["bytes"] != first:
                fail("%s: first line at %d bytes" % (ph, mine[0]["bytes"]))
            if "size" in opts:
                size = int(opts["size"])
                for o in mine:
                    if o["total"] != size and not (
                            o["total"] is None and opts.get("nulls") == "1"):
                        fail("%s: total %r, expected %d" % (ph, o["total"], size))
                if mine[-1]["bytes"] != size or mine[-1]["total"] != size:
                    fail("%s: ends at %r of %r, expected %d"
                         % (ph, mine[-1]["bytes"], mine[-1]["total"], size))
                if mine[-1]["eta_s"] != 0:
                    fail("%s: ends with eta_s %r" % (ph, mine[-1]["eta_s"]))
        if ph in FILE_PHASES:
            last = mine[-1]
            if "files" in opts and not (last["files"] == last["files_total"]
                                        == int(opts["files"])):
                fail("%s: ends at %r of %r files, expected %s"
                     % (ph, last["files"], last["files_total"], opts["files"]))
            if "files_bytes" in opts and not (
                    last["bytes"] == last["total"] == int(opts["files_bytes"])):
                fail("%s: ends at %r of %r bytes, expected %s"
                     % (ph, last["bytes"], last["total"], opts["files_bytes"]))
    done = lines[-1]
    if done.get("exit") != int(want_exit):
        fail("done: exit %r, expected %s" % (done.get("exit"), want_exit))
    if done.get("status") != want_status:
        fail("done: status %r, expected %r" % (done.get("status"), want_status))
    for k, v in opts.items():
        if k.startswith("done."):
            key = k[5:]
            if key not in done or done[key] != json.loads(v):
                fail("done: %s is %r, expected %s" % (key, done.get(key), v))
    if opts.get("read_is_done") == "1":
        last = [o for o in progress if o["phase"] == "reading"][-1]
        if last["bytes"] != done.get("bytes"):
            fail("reading ends at %r bytes, done says %r"
                 % (last["bytes"], done.get("bytes")))
    print("ok: %d lines" % len(lines))


main()
