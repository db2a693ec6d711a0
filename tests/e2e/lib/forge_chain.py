#!/usr/bin/env python3
"""A forger's tools against a libforensic case database, for the tests.

Usage: forge_chain.py DB STEP [STEP...]   steps run in order, in one
transaction, with every trigger dropped first and re-created afterwards
with its original text (so that only the audit chain can give the forgery
away, not a missing trigger):

  strip            remove every event's signature (key_id, signature NULL)
  strip=SEQ        remove the signature of event SEQ only
  edit=SEQ|OLD|NEW replace text OLD by NEW in the content of event SEQ
  sql=STATEMENT    run one SQL statement (e.g. change a record to match)
  unkey=ACTION|NEW|KEY
                   every ACTION event becomes a NEW event whose content
                   has no member KEY at any depth (an older release's
                   event: acquisition.close without allocated_bytes,
                   acquisition.start without source_files)
  unregister       delete the key.register events and the signing_keys rows
                   and number the events 1, 2, ... again
  rekey=KEY.pem    make KEY.pem's public key the only signing key (id 1):
                   the signing_keys row and the key.register content
  rechain          recompute prev_hash and hash of every event, as
                   docs/casedb.md defines them
  sign=KEY.pem     sign every event that has a key_id with KEY.pem (after
                   rechain: a whole chain re-signed with the forger's key)
"""
import hashlib, json, os, sqlite3, subprocess, sys, tempfile

GENESIS = "0" * 64


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def public_hex(pem):
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout", "-outform",
                          "DER"], capture_output=True, check=True).stdout
    return der[-32:].hex()


def sign(pem, message):
    with tempfile.TemporaryDirectory() as d:
        msg, sig = os.path.join(d, "msg"), os.path.join(d, "sig")
        with open(msg, "wb") as f:
            f.write(message)
        subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", pem,
                        "-rawin", "-in", msg, "-out", sig], check=True)
        with open(sig, "rb") as f:
            return f.read().hex()


def events(db):
    return db.execute("SELECT seq, time_utc, actor, host, action, content "
                      "FROM audit_log ORDER BY seq").fetchall()


def rechain(db):
    prev = GENESIS
    for seq, t, actor, host, action, content in events(db):
        env = canonical({"action": action, "actor": actor,
                         "content": json.loads(content), "host": host,
                         "seq": seq, "time": t})
        h = hashlib.sha256((prev + env).encode()).hexdigest()
        db.execute("UPDATE audit_log SET prev_hash = ?, hash = ? "
                   "WHERE seq = ?", (prev, h, seq))
        prev = h


def unregister(db):
    db.execute("UPDATE audit_log SET key_id = NULL, signature = NULL")
    db.execute("DELETE FROM audit_log WHERE action = 'key.register'")
    db.execute("DELETE FROM signing_keys")
    seqs = [r[0] for r in db.execute("SELECT seq FROM audit_log ORDER BY seq")]
    for new, old in enumerate(seqs, 1):
        db.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (new, old))


def rekey(db, pem):
    pub = public_hex(pem)
    db.execute("DELETE FROM signing_keys WHERE id <> 1")
    db.execute("UPDATE signing_keys SET public_key = ? WHERE id = 1", (pub,))
    for seq, _, _, _, action, content in events(db):
        if action == "key.register":
            value = json.loads(content)
            value["signing_key"]["public_key"] = pub
            db.execute("UPDATE audit_log SET content = ? WHERE seq = ?",
                       (canonical(value), seq))
    db.execute("UPDATE audit_log SET key_id = 1 WHERE key_id IS NOT NULL")


def sign_all(db, pem):
    rows = db.execute("SELECT seq, hash FROM audit_log "
                      "WHERE key_id IS NOT NULL").fetchall()
    for seq, h in rows:
        sig = sign(pem, ("libforensic-audit-v1:" + h).encode())
        db.execute("UPDATE audit_log SET signature = ? WHERE seq = ?",
                   (sig, seq))


def without_key(value, key):
    if isinstance(value, dict):
        return {k: without_key(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [without_key(v, key) for v in value]
    return value


def unkey(db, action, new, key):
    for seq, _, _, _, act, content in events(db):
        if act == action:
            db.execute("UPDATE audit_log SET action = ?, content = ? "
                       "WHERE seq = ?", (new, canonical(without_key(
                           json.loads(content), key)), seq))


def step(db, s):
    name, _, arg = s.partition("=")
    if name == "strip" and not arg:
        db.execute("UPDATE audit_log SET key_id = NULL, signature = NULL")
    elif name == "strip":
        db.execute("UPDATE audit_log SET key_id = NULL, signature = NULL "
                   "WHERE seq = ?", (int(arg),))
    elif name == "edit":
        seq, old, new = arg.split("|", 2)
        db.execute("UPDATE audit_log SET content = replace(content, ?, ?) "
                   "WHERE seq = ?", (old, new, int(seq)))
    elif name == "sql":
        db.execute(arg)
    elif name == "unkey":
        unkey(db, *arg.split("|", 2))
    elif name == "unregister":
        unregister(db)
    elif name == "rekey":
        rekey(db, arg)
    elif name == "rechain":
        rechain(db)
    elif name == "sign":
        sign_all(db, arg)
    else:
        sys.exit("forge_chain.py: unknown step " + s)


def main():
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    triggers = db.execute("SELECT name, tbl_name, sql FROM sqlite_master "
                          "WHERE type = 'trigger'").fetchall()
    for name, _, _ in triggers:
        db.execute('DROP TRIGGER "%s"' % name)
    for s in sys.argv[2:]:
        step(db, s)
    # put back every trigger but those of a table a step dropped (a
    # downgrade to a schema before that table)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master "
                                       "WHERE type = 'table'")}
    for _, table, sql in triggers:
        if table in tables:
            db.execute(sql)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main()
