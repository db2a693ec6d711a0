/*
 * The audit check: walks the chain in one read snapshot and reports the
 * first event that does not fit, with why; then the row counts and the
 * append-only triggers. docs/casedb.md gives the same algorithm in prose
 * for people who re-check a database with their own tools.
 *
 * Trust, by default. Hashes can be recomputed by anyone who can write the
 * file, so what the chain proves depends on its signatures:
 * - a key.register event is always signed by the key it registers (the
 *   library never writes it otherwise), so an unsigned one is a finding;
 * - once the chain holds a key.register, every later event must be signed
 *   by a key registered earlier in the chain: stripping the signatures of
 *   a signed chain (or appending unsigned events to it) is found; events
 *   before the first key.register may be unsigned, because the first
 *   signature covers them through the chain;
 * - a signature by a key the chain registers only later is a finding.
 * What cannot be found without something from outside the database is
 * said, never implied (fx_casedb_audit_describe): a chain rewritten whole
 * without signatures, or re-signed with a forger's own key, is only caught
 * with a trusted key (then an unsigned chain fails too) or with
 * require_signed; events cut from the end only by a head hash kept
 * elsewhere.
 *
 * Trusted keys are a key ring: a custody chain passes through several
 * examiners, each signing with their own key, so every signed event must
 * be signed with one of the keys given, not all with one. Whether the key
 * of an event is trusted is decided when that key is loaded (once per
 * change of signer), so the ring costs nothing per event.
 *
 * Cost: one pass over the events, in seq order, one row at a time; each
 * event's records are found through their indexes and compared with its
 * content as they are written, so time is linear in events and records and
 * memory is about the largest event's content. A caller's cancel flag is
 * looked at between events and once more after the walk.
 *
 * Threading: per handle, like the rest of the module.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casedb/casedb_int.h"
#include "base/hex.h"
#include "base/vec.h"
#include "base/error.h"

/* A key the chain has registered, in the order of registration. */
struct reg_key {
	int64_t id;
	int64_t seq;                 /* its key.register event */
	int used;                    /* has signed an event that verified */
	char hex[FX_HASH_HEX];
};

struct walk {
	fx_casedb *db;
	fx_casedb_audit_report rep;  /* the full (version 2) report */
	/* the trusted keys, distinct, in the order given; none: any
	 * registered key */
	char (*trusted)[FX_HASH_HEX];
	size_t n_trusted, cap_trusted;
	int require_signed;
	volatile sig_atomic_t *cancel;
	int64_t key_id;              /* cached key */
	EVP_PKEY *key;
	char key_hex[FX_HASH_HEX];
	int key_trusted;             /* key_hex is one of trusted[] */
	struct reg_key *reg;
	size_t n_reg, cap_reg;
	uint64_t counts[FX_T_COUNT];
	char prev[FX_HASH_HEX];
	int64_t expect;
};

/* One row of the walk, as read. */
struct event {
	int64_t seq, key_id;
	const char *time, *actor, *host, *action, *content, *prev, *hash, *sig;
	size_t content_len;
	int64_t record_id;           /* the record its content names, or 0 */
};

static int bad(struct walk *w, int64_t seq, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct walk *w, int64_t seq, const char *fmt, ...)
{
	char *r = w->rep.reason;
	size_t size = sizeof(w->rep.reason);
	va_list ap;
	int n = 0;

	if (seq)
		n = snprintf(r, size, "event %lld: ", (long long)seq);
	va_start(ap, fmt);
	vsnprintf(r + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	w->rep.first_bad_seq = seq;
	return -1;
}

static int is_trusted(const struct walk *w, const char *hex)
{
	size_t i;

	for (i = 0; i < w->n_trusted; i++)
		if (strcmp(w->trusted[i], hex) == 0)
			return 1;
	return 0;
}

/* The trusted keys as "3b6a27bcceb6a42d..., 5f0bd1aa2a62a6f4...", the
 * first 16 of them. */
static void trusted_list(char *out, size_t size, const struct walk *w)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < w->n_trusted && i < 16 && n < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%.16s...",
				      i ? ", " : "", w->trusted[i]);
	if (i < w->n_trusted && n < size)
		snprintf(out + n, size - n, " and %zu more", w->n_trusted - i);
}

static int load_key(struct walk *w, int64_t key_id)
{
	unsigned char raw[32];
	fx_stmt *st = NULL;
	int rc = -1;

	if (w->key && w->key_id == key_id)
		return 0;
	EVP_PKEY_free(w->key);
	w->key = NULL;
	if (fx_store_prepare(&st, w->db->store, "SELECT public_key FROM "
			     "signing_keys WHERE id = ?1"))
		goto done;
	fx_stmt_bind_int(st, 1, key_id);
	if (fx_stmt_step(st) != FX_STORE_ROW ||
	    fx_hex_decode(raw, 32, fx_stmt_text(st, 0)))
		goto done;
	snprintf(w->key_hex, sizeof(w->key_hex), "%s", fx_stmt_text(st, 0));
	w->key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, raw, 32);
	w->key_id = key_id;
	w->key_trusted = is_trusted(w, w->key_hex);
	rc = w->key ? 0 : -1;
done:
	fx_stmt_free(st);
	return rc;
}

static struct reg_key *registered(struct walk *w, int64_t key_id)
{
	size_t i;

	for (i = 0; i < w->n_reg; i++)
		if (w->reg[i].id == key_id)
			return &w->reg[i];
	return NULL;
}

/* Remembers the key a key.register event registered (w->key_hex). */
static int register_key(struct walk *w, const struct event *e)
{
	struct reg_key *nr;

	if (registered(w, e->record_id))
		return 0;   /* a second event for one row: the counts say so */
	if (FX_VEC_RESERVE(w->reg, w->cap_reg, w->n_reg + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	nr = &w->reg[w->n_reg++];
	nr->id = e->record_id;
	nr->seq = e->seq;
	nr->used = 0;
	memcpy(nr->hex, w->key_hex, FX_HASH_HEX);
	return 0;
}

static int is_key_register(const struct event *e)
{
	return strcmp(e->action, "key.register") == 0;
}

static int check_unsigned(struct walk *w, const struct event *e)
{
	if (w->require_signed)
		return bad(w, e->seq, "not signed");
	if (is_key_register(e))
		return bad(w, e->seq, "key.register is not signed (a key "
			   "registers itself with its own signature)");
	if (w->n_reg)
		return bad(w, e->seq, "not signed, although a signing key was "
			   "registered at event %lld", (long long)w->reg[0].seq);
	return 0;
}

static int untrusted(struct walk *w, const struct event *e)
{
	char list[400];

	if (w->n_trusted == 1)
		return bad(w, e->seq, "signed with key %.16s..., not the "
			   "trusted key %.16s...", w->key_hex, w->trusted[0]);
	trusted_list(list, sizeof(list), w);
	return bad(w, e->seq, "signed with key %.16s..., which is none of "
		   "the %zu trusted keys (%s)", w->key_hex, w->n_trusted, list);
}

/* Who signed e, and whether the chain allows that signer here. */
static int check_signer(struct walk *w, const struct event *e)
{
	if (load_key(w, e->key_id) != 0)
		return bad(w, e->seq, "signing key %lld is missing or damaged",
			   (long long)e->key_id);
	if (is_key_register(e) && e->key_id != e->record_id)
		return bad(w, e->seq, "key.register of key %lld is signed by "
			   "key %lld, not by itself", (long long)e->record_id,
			   (long long)e->key_id);
	if (!is_key_register(e) && !registered(w, e->key_id))
		return bad(w, e->seq, "signed with key %.16s..., which no "
			   "earlier key.register event registers", w->key_hex);
	if (w->n_trusted && !w->key_trusted)
		return untrusted(w, e);
	return 0;
}

static int check_signature(struct walk *w, const struct event *e)
{
	if (!e->key_id)
		return check_unsigned(w, e);
	if (check_signer(w, e) != 0)
		return -1;
	if (!fx_audit_verify_sig(w->key, e->hash, e->sig))
		return bad(w, e->seq, "signature does not verify with key "
			   "%.16s...", w->key_hex);
	if (is_key_register(e) && register_key(w, e) != 0)
		return bad(w, e->seq, "cannot check: %s", fx_error_last());
	registered(w, e->key_id)->used = 1;
	w->rep.signed_events++;
	if (!w->rep.first_signed_seq)
		w->rep.first_signed_seq = e->seq;
	return 0;
}

/* The records an event describes must still read as its content. They
 * are written in compare mode, so a record of any size is checked in
 * constant memory; the rows are found through the indexes on their ids. */
static int check_records(struct walk *w, const struct event *e)
{
	fx_json j;
	int rc;

	fx_json_init_compare(&j, e->content, e->content_len);
	rc = fx_content_build(&j, w->db, e->action, e->record_id, w->counts);
	if (rc == FX_ENOTFOUND)
		rc = bad(w, e->seq, "%s: the record is gone (%s)", e->action,
			 fx_error_last());
	else if (rc)
		rc = bad(w, e->seq, "%s: cannot read its records (%s)",
			 e->action, fx_error_last());
	else if (!fx_json_matches(&j))
		rc = bad(w, e->seq, "%s: the records no longer match the "
			 "event (record %lld changed)", e->action,
			 (long long)e->record_id);
	fx_json_clear(&j);
	return rc;
}

/* The event's own fields: its place in the chain, hash and content. */
static int check_fields(struct walk *w, struct event *e)
{
	char hash[FX_HASH_HEX], why[128];
	int has = 0;

	if (e->seq != w->expect)
		return bad(w, e->seq, "sequence gap, expected %lld",
			   (long long)w->expect);
	if (strcmp(e->prev, w->prev) != 0) {
		if (e->seq == 1)
			return bad(w, 1, "prev_hash is not the genesis value");
		return bad(w, e->seq, "prev_hash does not match event %lld",
			   (long long)(e->seq - 1));
	}
	if (fx_audit_event_hash(hash, e->prev, e->seq, e->time, e->actor,
				e->host, e->action, e->content,
				e->content_len) != 0)
		return bad(w, e->seq, "cannot hash: %s", fx_error_last());
	if (strcmp(hash, e->hash) != 0)
		return bad(w, e->seq, "hash does not match its content");
	if (fx_json_check_canonical(e->content, e->content_len, why,
				    sizeof(why)) != 0)
		return bad(w, e->seq, "content is not canonical JSON (%s)", why);
	if (fx_content_record_id(&e->record_id, &has, e->action, e->content,
				 e->content_len))
		return bad(w, e->seq, "unknown action \"%.40s\" or no record "
			   "id in its content", e->action);
	return 0;
}

static int check_event(struct walk *w, struct event *e)
{
	if (check_fields(w, e) != 0 || check_signature(w, e) != 0)
		return -1;
	if (e->record_id && check_records(w, e) != 0)
		return -1;
	snprintf(w->prev, sizeof(w->prev), "%s", e->hash);
	w->expect++;
	return 0;
}

static const char *col_text(fx_stmt *st, int i)
{
	const char *s = fx_stmt_text(st, i);

	return s ? s : "";
}

static void event_read(struct event *e, fx_stmt *st)
{
	memset(e, 0, sizeof(*e));
	e->seq = fx_stmt_int(st, 0);
	e->time = col_text(st, 1);
	e->actor = col_text(st, 2);
	e->host = col_text(st, 3);
	e->action = col_text(st, 4);
	e->content = col_text(st, 5);
	e->content_len = fx_stmt_bytes(st, 5);
	e->prev = col_text(st, 6);
	e->hash = col_text(st, 7);
	e->key_id = fx_stmt_int(st, 8);
	e->sig = col_text(st, 9);
}

/* Walks the events; 0 with rep.reason set at the first bad one, or a
 * negative code if the log could not be read. */
static int walk_events(struct walk *w)
{
	fx_stmt *st = NULL;
	struct event e;
	int rc, step;

	rc = fx_store_prepare(&st, w->db->store, "SELECT seq, time_utc, actor, "
			      "host, action, content, prev_hash, hash, key_id, "
			      "signature FROM audit_log ORDER BY seq");
	if (rc)
		goto done;
	while ((step = fx_stmt_step(st)) == FX_STORE_ROW) {
		if (fx_cancelled(w->cancel)) {
			rc = fx_error_set(FX_EINTR, "case database %s: audit "
					  "check interrupted at event %lld",
					  w->db->path,
					  (long long)fx_stmt_int(st, 0));
			goto done;
		}
		event_read(&e, st);
		w->rep.events++;
		if (check_event(w, &e) != 0)
			goto done;
	}
	if (step != FX_STORE_DONE)
		rc = fx_store_error(w->db->store, "read the audit log");
done:
	fx_stmt_free(st);
	return rc;
}

static int unsigned_but_trusted(struct walk *w)
{
	char list[400];

	if (w->n_trusted == 1)
		return bad(w, 0, "the chain is unsigned, but a trusted key was "
			   "given (%.16s...)", w->trusted[0]);
	trusted_list(list, sizeof(list), w);
	return bad(w, 0, "the chain is unsigned, but %zu trusted keys were "
		   "given (%s)", w->n_trusted, list);
}

/* After the events: what the chain's signatures show, the row counts, the
 * triggers. The first finding becomes rep.reason (if the walk found none);
 * a trigger difference is kept in rep.triggers either way. */
static int check_after_walk(struct walk *w)
{
	fx_casedb_audit_report *r = &w->rep;
	size_t i;
	int rc, found = r->reason[0] != '\0';

	if (fx_cancelled(w->cancel))   /* e.g. during the last, large event */
		return fx_error_set(FX_EINTR, "case database %s: audit check "
				    "interrupted after event %llu", w->db->path,
				    (unsigned long long)r->events);

	r->trust = !r->signed_events ? FX_CASEDB_TRUST_UNSIGNED
		   : w->n_trusted ? FX_CASEDB_TRUST_TRUSTED_KEY
		   : FX_CASEDB_TRUST_RECORDED_KEYS;
	for (i = 0; i < w->n_reg; i++)
		r->keys_used += w->reg[i].used != 0;
	for (i = 0; r->keys_used == 1 && i < w->n_reg; i++)
		if (w->reg[i].used)
			memcpy(r->key_hex, w->reg[i].hex, FX_HASH_HEX);
	if (w->n_trusted)
		memcpy(r->trusted_key, w->trusted[0], FX_HASH_HEX);
	if (!found && w->n_trusted && !r->signed_events)
		found = unsigned_but_trusted(w) != 0;
	if (!found)
		found = fx_content_coverage(w->db, w->counts, r->reason,
					    sizeof(r->reason)) != 0;
	rc = fx_casedb_triggers_check(r->triggers, sizeof(r->triggers), w->db);
	if (rc < 0)
		return rc;
	if (!found && rc == 1)
		snprintf(r->reason, sizeof(r->reason), "%s", r->triggers);
	r->intact = r->reason[0] == '\0';
	return 0;
}

/* Adds a key (lowercase hex) to the ring, once. */
static int ring_add(struct walk *w, const char *hex)
{
	if (is_trusted(w, hex))
		return 0;
	if (FX_VEC_RESERVE(w->trusted, w->cap_trusted, w->n_trusted + 1) != 0)
		return fx_error_set(FX_ERROR, "out of memory");
	memcpy(w->trusted[w->n_trusted++], hex, FX_HASH_HEX);
	return 0;
}

static int ring_add_hex(struct walk *w, const char *hex)
{
	unsigned char raw[32];

	if (!hex || fx_hex_decode(raw, 32, hex) != 0)
		return fx_error_set(FX_EUSAGE, "trusted key \"%.70s\" is not 64 "
				    "lowercase hex digits", hex ? hex : "(null)");
	return ring_add(w, hex);
}

static int ring_add_pem(struct walk *w, const char *path)
{
	char hex[FX_HASH_HEX], why[512];
	EVP_PKEY *k = NULL;
	int rc;

	if (!path)
		return fx_error_set(FX_EUSAGE, "trusted key: the list of PEM "
				    "files holds NULL");
	rc = fx_audit_load_pem(&k, hex, path, 0);
	EVP_PKEY_free(k);
	if (rc) {   /* a key that cannot be read is the caller's mistake */
		snprintf(why, sizeof(why), "%s", fx_error_last());
		return fx_error_set(FX_EUSAGE, "trusted %s", why);
	}
	return ring_add(w, hex);
}

/* The key ring: every trusted key the options give, in their order. */
static int trusted_keys(struct walk *w, const fx_casedb_audit_options *o)
{
	size_t i;
	int rc = 0;

	if (o->trusted_key_path)
		rc = ring_add_pem(w, o->trusted_key_path);
	if (!rc && o->trusted_key_hex)
		rc = ring_add_hex(w, o->trusted_key_hex);
	if (rc || o->version < 3)
		return rc;
	if ((o->n_trusted_key_paths && !o->trusted_key_paths) ||
	    (o->n_trusted_keys_hex && !o->trusted_keys_hex))
		return fx_error_set(FX_EUSAGE, "fx_casedb_audit_check: a list "
				    "of trusted keys is NULL but its count is not 0");
	for (i = 0; !rc && i < o->n_trusted_key_paths; i++)
		rc = ring_add_pem(w, o->trusted_key_paths[i]);
	for (i = 0; !rc && i < o->n_trusted_keys_hex; i++)
		rc = ring_add_hex(w, o->trusted_keys_hex[i]);
	return rc;
}

int fx_casedb_audit_check(fx_casedb_audit_report *out, fx_casedb *db,
			  const fx_casedb_audit_options *opts)
{
	static const fx_casedb_audit_options defaults =
		FX_CASEDB_AUDIT_OPTIONS_INIT;
	struct walk w;
	size_t size;
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	if (!opts)
		opts = &defaults;
	FX_CHECK_VERSION(opts, FX_CASEDB_AUDIT_OPTIONS_VERSION,
			 "fx_casedb_audit_check: fx_casedb_audit_options");
	/* a version 1 caller's report ends before the trust fields */
	size = opts->version >= 2 ? sizeof(*out)
				  : offsetof(fx_casedb_audit_report, trust);
	memset(out, 0, size);
	memset(&w, 0, sizeof(w));
	w.db = db;
	w.require_signed = opts->require_signed;
	w.cancel = opts->version >= 2 ? opts->cancel : NULL;
	w.expect = 1;
	memcpy(w.prev, FX_AUDIT_GENESIS, FX_HASH_HEX);
	rc = trusted_keys(&w, opts);
	if (!rc && (rc = fx_casedb_read_begin(db)) == 0) {
		rc = walk_events(&w);
		if (!rc)
			rc = check_after_walk(&w);
		fx_casedb_tx_rollback(db);
	}
	EVP_PKEY_free(w.key);
	free(w.reg);
	free(w.trusted);
	if (rc)
		return rc;
	if (w.rep.events && w.rep.intact)
		memcpy(w.rep.head_hash, w.prev, FX_HASH_HEX);
	memcpy(out, &w.rep, size);
	if (!out->intact)
		return fx_error_set(FX_ECORRUPT, "case database %s: audit "
				    "chain broken: %s", db->path, out->reason);
	return 0;
}

/* ---- what a check showed, in words ---- */

const char *fx_casedb_audit_trust_name(fx_casedb_audit_trust t)
{
	switch (t) {
	case FX_CASEDB_TRUST_UNSIGNED:
		return "unsigned";
	case FX_CASEDB_TRUST_RECORDED_KEYS:
		return "recorded_keys";
	case FX_CASEDB_TRUST_TRUSTED_KEY:
		return "trusted_key";
	}
	return "?";
}

/* "signatures: ..." for the checked list. */
static void describe_signatures(char *out, size_t size,
				const fx_casedb_audit_report *r)
{
	char whose[128], from[128] = "";

	if (r->trust == FX_CASEDB_TRUST_UNSIGNED) {
		snprintf(out, size, "signatures: none (no event is signed)");
		return;
	}
	/* several keys signed, each trusted: a key ring (version 3 options);
	 * one: that key, the trusted key or one of the ring */
	if (r->trust == FX_CASEDB_TRUST_TRUSTED_KEY && r->keys_used > 1)
		snprintf(whose, sizeof(whose), "one of the trusted keys given "
			 "(%llu different keys signed)",
			 (unsigned long long)r->keys_used);
	else if (r->trust == FX_CASEDB_TRUST_TRUSTED_KEY)
		snprintf(whose, sizeof(whose), "the trusted key %.16s...",
			 r->keys_used == 1 ? r->key_hex : r->trusted_key);
	else if (r->keys_used == 1)
		snprintf(whose, sizeof(whose), "key %.16s... as recorded in "
			 "the database", r->key_hex);
	else
		snprintf(whose, sizeof(whose), "the %llu keys recorded in the "
			 "database", (unsigned long long)r->keys_used);
	if (r->first_signed_seq > 1)
		snprintf(from, sizeof(from), " (events 1 to %lld, written "
			 "before, are covered through the chain)",
			 (long long)(r->first_signed_seq - 1));
	snprintf(out, size, "signatures: %llu of %llu events signed, every "
		 "event from event %lld on%s, each verified with %s",
		 (unsigned long long)r->signed_events,
		 (unsigned long long)r->events, (long long)r->first_signed_seq,
		 from, whose);
}

void fx_casedb_audit_describe(char *checked, size_t checked_size,
			      char *not_checked, size_t not_checked_size,
			      const fx_casedb_audit_report *r)
{
	char sigs[384];
	const char *who = "";

	describe_signatures(sigs, sizeof(sigs), r);
	snprintf(checked, checked_size, "every event's sequence, link to the "
		 "one before, hash and canonical content; the records against "
		 "their events and the row counts; the append-only triggers "
		 "against the schema; %s", sigs);
	if (r->trust == FX_CASEDB_TRUST_UNSIGNED)
		who = "The chain is unsigned: it shows the log is consistent, "
		      "not who wrote it; whoever can write the database could "
		      "rewrite the whole chain, or strip its signatures and "
		      "re-chain it, and it would still check. ";
	else if (r->trust == FX_CASEDB_TRUST_RECORDED_KEYS)
		who = "Signatures checked, but no trusted key was given: they "
		      "were verified with keys recorded in the database "
		      "itself, so a chain re-signed (or extended) with a "
		      "forger's own key would pass. ";
	snprintf(not_checked, not_checked_size, "%sEvents removed from the "
		 "end of the log cannot be detected from the database alone: "
		 "compare the head hash and event count with a copy kept "
		 "elsewhere.", who);
}
