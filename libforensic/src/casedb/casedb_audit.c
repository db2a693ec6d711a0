/*
 * The audit log: appending to the hash chain of events, signed when the
 * handle has a key.
 *
 * Event seq (1, 2, ...) stores
 *   prev_hash = hash of event seq-1 (64 '0' for event 1)
 *   hash      = SHA-256(prev_hash as 64 hex characters ||
 *                       {"action":..,"actor":..,"content":<content>,
 *                        "host":..,"seq":N,"time":..})
 * where the object is canonical JSON (base/json's FX_JSON_CANONICAL) and
 * content, itself canonical JSON, is embedded as a value. With a signing key, signature =
 * Ed25519("libforensic-audit-v1:" || hash as hex) and key_id names the
 * public key in signing_keys. The key is registered (key.register, signed by
 * itself) by the first event it signs.
 *
 * Appending happens inside the caller's BEGIN IMMEDIATE transaction, so
 * reading the head of the chain and adding to it cannot interleave with
 * another writer: the chain stays linear whatever the number of processes.
 *
 * The check that walks the chain is casedb_audit_check.c.
 *
 * Threading: per handle, like the rest of the module.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "casedb/casedb_int.h"
#include "forensic/hash.h"
#include "hash/hasher.h"
#include "base/hex.h"
#include "base/error.h"

#define FX_SIG_PREFIX "libforensic-audit-v1:"

/* Never prompts for a passphrase: the library does not talk to people. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

int fx_audit_load_pem(EVP_PKEY **out, char pub_hex[65], const char *path,
		      int want_private)
{
	unsigned char raw[32];
	size_t len = sizeof(raw);
	EVP_PKEY *k = NULL;
	FILE *f = fopen(path, "r");
	int rc = 0;

	if (!f)
		return fx_error_set_errno(fx_error_from_errno(errno), errno,
					  "Ed25519 key %s", path);
	k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
	if (!k && !want_private) {
		rewind(f);
		k = PEM_read_PUBKEY(f, NULL, no_passphrase, NULL);
	}
	if (!k) {
		rc = fx_error_set(FX_EUSAGE, "Ed25519 key %s: not a PEM %s key "
				  "(or encrypted)", path,
				  want_private ? "private" : "public or private");
		goto done;
	}
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(k, raw, &len) != 1 || len != 32) {
		rc = fx_error_set(FX_EUSAGE, "key %s is not an Ed25519 key",
				  path);
		goto done;
	}
	fx_hex_encode(pub_hex, raw, 32);
done:
	fclose(f);
	if (rc)
		EVP_PKEY_free(k);
	else
		*out = k;
	return rc;
}

int fx_audit_load_key(fx_casedb *db, const char *pem_path)
{
	return fx_audit_load_pem(&db->sign_key, db->sign_pub_hex, pem_path, 1);
}

/* The id of this handle's signing key, registering it (with its own
 * key.register event) the first time it signs in this database. */
static int signing_key_id(int64_t *out, fx_casedb *db)
{
	char now[FX_TIME_MAX];
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, db->store, "SELECT id FROM signing_keys "
			      "WHERE public_key = ?1");
	if (rc)
		goto done;
	fx_stmt_bind_text(st, 1, db->sign_pub_hex);
	if (fx_stmt_step(st) == FX_STORE_ROW) {
		*out = fx_stmt_int(st, 0);
		goto done;
	}
	fx_stmt_free(st);
	st = NULL;
	fx_utc_now(now, sizeof(now), FX_UTC_MICRO);
	rc = fx_store_prepare(&st, db->store, "INSERT INTO signing_keys "
			      "(algorithm, public_key, registered_utc) VALUES "
			      "('ed25519', ?1, ?2)");
	if (rc)
		goto done;
	fx_stmt_bind_text(st, 1, db->sign_pub_hex);
	fx_stmt_bind_text(st, 2, now);
	if (fx_stmt_step(st) != FX_STORE_DONE) {
		rc = fx_store_error(db->store, "register signing key");
		goto done;
	}
	*out = fx_store_last_id(db->store);
	rc = fx_audit_record(db, "key.register", *out);
done:
	fx_stmt_free(st);
	return rc;
}

/* The head of the chain: *seq of the next event and the last hash. */
static int chain_head(int64_t *seq, char prev[FX_HASH_HEX], fx_casedb *db)
{
	fx_stmt *st = NULL;
	int rc, step;

	*seq = 1;
	memcpy(prev, FX_AUDIT_GENESIS, FX_HASH_HEX);
	rc = fx_store_prepare(&st, db->store, "SELECT seq, hash FROM "
			      "audit_log ORDER BY seq DESC LIMIT 1");
	if (rc)
		goto done;
	step = fx_stmt_step(st);
	if (step == FX_STORE_ROW && fx_stmt_int(st, 0) == INT64_MAX) {
		/* no event can follow it (a row put there by hand) */
		rc = fx_error_set(FX_ECORRUPT, "case database %s: the audit "
				  "chain's head is event %lld, which no event can "
				  "follow (check its audit chain)", db->path,
				  (long long)INT64_MAX);
	} else if (step == FX_STORE_ROW) {
		*seq = fx_stmt_int(st, 0) + 1;
		snprintf(prev, FX_HASH_HEX, "%s", fx_stmt_text(st, 1));
	} else if (step != FX_STORE_DONE) {
		rc = fx_store_error(db->store, "read the audit chain head");
	}
done:
	fx_stmt_free(st);
	return rc;
}

/* The envelope around the content is written once with an empty content
 * value, and the content is hashed in place between its two halves: an
 * event of a hundred megabytes is not copied to be hashed. */
int fx_audit_event_hash(char out[FX_HASH_HEX], const char *prev,
			int64_t seq, const char *time, const char *actor,
			const char *host, const char *action,
			const char *content, size_t content_len)
{
	fx_hasher *h = NULL;
	size_t split;
	fx_json j;
	int rc;

	fx_json_init(&j, FX_JSON_CANONICAL, NULL);
	fx_json_object_begin(&j);
	fx_json_key(&j, "action");
	fx_json_cstring(&j, action);
	fx_json_key(&j, "actor");
	fx_json_cstring(&j, actor);
	fx_json_key(&j, "content");
	split = j.len;
	fx_json_raw(&j, "");
	fx_json_key(&j, "host");
	fx_json_cstring(&j, host);
	fx_json_key(&j, "seq");
	fx_json_int(&j, seq);
	fx_json_key(&j, "time");
	fx_json_cstring(&j, time);
	fx_json_object_end(&j);
	rc = j.err ? j.err : fx_hasher_new(&h, FX_HASH_SHA256);
	if (!rc) {
		fx_hasher_update(h, prev, strlen(prev));
		fx_hasher_update(h, j.buf, split);
		fx_hasher_update(h, content, content_len);
		fx_hasher_update(h, j.buf + split, j.len - split);
		fx_hasher_final_hex(h, out, FX_HASH_HEX);
	}
	fx_hasher_free(h);
	fx_json_clear(&j);
	return rc;
}

static int sign_hash(char out[129], EVP_PKEY *key, const char *hash)
{
	unsigned char msg[sizeof(FX_SIG_PREFIX) + 64], sig[64];
	size_t mlen = sizeof(FX_SIG_PREFIX) - 1 + 64, slen = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int rc = 0;

	memcpy(msg, FX_SIG_PREFIX, sizeof(FX_SIG_PREFIX) - 1);
	memcpy(msg + sizeof(FX_SIG_PREFIX) - 1, hash, 64);
	if (!ctx || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &slen, msg, mlen) != 1 || slen != 64)
		rc = fx_error_set(FX_ERROR, "Ed25519 signing failed (OpenSSL)");
	else
		fx_hex_encode(out, sig, 64);
	EVP_MD_CTX_free(ctx);
	return rc;
}

int fx_audit_verify_sig(EVP_PKEY *key, const char *hash, const char *sig_hex)
{
	unsigned char msg[sizeof(FX_SIG_PREFIX) + 64], sig[64];
	size_t mlen = sizeof(FX_SIG_PREFIX) - 1 + 64;
	EVP_MD_CTX *ctx;
	int ok;

	if (fx_hex_decode(sig, 64, sig_hex) != 0 || strlen(hash) != 64)
		return 0;
	memcpy(msg, FX_SIG_PREFIX, sizeof(FX_SIG_PREFIX) - 1);
	memcpy(msg + sizeof(FX_SIG_PREFIX) - 1, hash, 64);
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
	     EVP_DigestVerify(ctx, sig, 64, msg, mlen) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static int insert_event(fx_casedb *db, int64_t seq, const char *time,
			const char *action, const char *content,
			const char *prev, const char *hash, int64_t key_id,
			const char *sig)
{
	fx_stmt *st = NULL;
	int rc;

	rc = fx_store_prepare(&st, db->store, "INSERT INTO audit_log (seq, "
			      "time_utc, actor, host, action, content, "
			      "prev_hash, hash, key_id, signature) VALUES (?1, "
			      "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
	if (rc)
		goto done;
	fx_stmt_bind_int(st, 1, seq);
	fx_stmt_bind_text(st, 2, time);
	fx_stmt_bind_text(st, 3, db->actor);
	fx_stmt_bind_text(st, 4, db->host);
	fx_stmt_bind_text(st, 5, action);
	fx_stmt_bind_text(st, 6, content);
	fx_stmt_bind_text(st, 7, prev);
	fx_stmt_bind_text(st, 8, hash);
	if (key_id) {
		fx_stmt_bind_int(st, 9, key_id);
		fx_stmt_bind_text(st, 10, sig);
	}
	if (fx_stmt_step(st) != FX_STORE_DONE)
		rc = fx_store_error(db->store, "append audit event");
done:
	fx_stmt_free(st);
	return rc;
}

int fx_audit_append(fx_casedb *db, const char *action, const char *content)
{
	char prev[FX_HASH_HEX], hash[FX_HASH_HEX], sig[129] = "";
	char now[FX_TIME_MAX];
	int64_t seq = 0, key_id = 0;
	int rc = 0;

	if (db->sign_key)
		rc = signing_key_id(&key_id, db);
	if (!rc)
		rc = chain_head(&seq, prev, db);
	if (rc)
		return rc;
	fx_utc_now(now, sizeof(now), FX_UTC_MICRO);
	rc = fx_audit_event_hash(hash, prev, seq, now, db->actor, db->host, action,
			content, strlen(content));
	if (!rc && key_id)
		rc = sign_hash(sig, db->sign_key, hash);
	if (!rc)
		rc = insert_event(db, seq, now, action, content, prev, hash,
				  key_id, sig);
	return rc;
}

int fx_audit_record(fx_casedb *db, const char *action, int64_t id)
{
	fx_json j;
	int rc;

	fx_json_init(&j, FX_JSON_CANONICAL, NULL);
	rc = fx_content_build(&j, db, action, id, NULL);
	if (!rc)
		rc = fx_audit_append(db, action, j.buf);
	fx_json_clear(&j);
	return rc;
}
