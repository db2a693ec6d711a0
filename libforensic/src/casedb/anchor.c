/*
 * Anchors: RFC 3161 time-stamps of the audit chain's head, stored in the
 * anchors table and checked against the chain (docs/casedb.md, "Anchors").
 *
 * Why: the chain proves that no event in it was changed, but not that
 * none was cut from its end; a TSA's signed statement that "event N had
 * hash H at time T" is kept outside anyone's reach who can write the
 * database, so a chain that no longer holds event N with hash H is found.
 *
 * What is time-stamped: SHA-256 of the text "libforensic-anchor v1 seq=N
 * hash=H" (no newline, H the event's hash in lowercase hex). Binding the
 * sequence number as well as the hash means a token cannot be moved to
 * another place of the chain, and a third party can rebuild the imprint
 * with printf and sha256sum and check the token with `openssl ts -verify`.
 *
 * What is stored: the reply as the TSA sent it (TimeStampResp, DER), which
 * `openssl ts -verify -in` reads as it is, and its SHA-256 (the value the
 * tools print, so a copy of the log kept elsewhere names the token). An
 * anchor is not an audit event: an event written for it would move the
 * head it anchors, and the token is checkable on its own. A TSA that does
 * not answer, refuses, or answers another question leaves a 'failed' row
 * naming the URL and why: a missing anchor is never silent.
 *
 * OpenSSL's TS API builds the request and checks replies; libcurl does the
 * HTTP POST (one bounded request, no redirects, a size cap on the reply).
 *
 * Threading: per handle, like the rest of the module; curl's global setup
 * is done once (pthread_once).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "casedb/casedb_int.h"
#include "base/error.h"
#include "base/hex.h"
#include "base/utc.h"

#define ANCHOR_REPLY_MAX (1u << 20)  /* a token is a few KiB */
#define ANCHOR_TIMEOUT_S 30

/* ---- the imprint ---- */

void fx_casedb_anchor_text(char *out, size_t size, int64_t seq,
			   const char *hash)
{
	snprintf(out, size, "libforensic-anchor v1 seq=%lld hash=%s",
		 (long long)seq, hash ? hash : "");
}

static void imprint_of(unsigned char md[SHA256_DIGEST_LENGTH], int64_t seq,
		       const char *hash)
{
	char text[160];

	fx_casedb_anchor_text(text, sizeof(text), seq, hash);
	SHA256((const unsigned char *)text, strlen(text), md);
}

/* The first OpenSSL error as text (its reason, and the detail the TS
 * verifier adds, e.g. "certificate verify error (Verify error:unable to
 * get local issuer certificate)"), or dflt; clears the queue. */
static void ssl_why(char *out, size_t size, const char *dflt)
{
	const char *data = NULL, *reason;
	int flags = 0;
	unsigned long e = ERR_get_error_all(NULL, NULL, NULL, &data, &flags);

	reason = e ? ERR_reason_error_string(e) : NULL;
	if (!e)
		snprintf(out, size, "%s", dflt);
	else if (data && (flags & ERR_TXT_STRING) && data[0])
		snprintf(out, size, "%s (%s)", reason ? reason : "error", data);
	else
		snprintf(out, size, "%s", reason ? reason : "error");
	ERR_clear_error();
}

/* ---- the request ---- */

/* A TimeStampReq for the imprint md, with a random nonce and certReq. */
static TS_REQ *request_new(const unsigned char *digest)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = NULL;
	unsigned char rnd[8];
	int ok = 0;

	memcpy(md, digest, sizeof(md));  /* the setter wants it writable */
	if (!req || !mi || !alg || RAND_bytes(rnd, sizeof(rnd)) != 1)
		goto done;
	rnd[0] &= 0x7f;  /* a positive INTEGER of fixed length */
	rnd[0] |= 0x40;
	if (!X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL)
	    || !TS_MSG_IMPRINT_set_algo(mi, alg)
	    || !TS_MSG_IMPRINT_set_msg(mi, md, sizeof(md))
	    || !TS_REQ_set_version(req, 1)
	    || !TS_REQ_set_msg_imprint(req, mi))
		goto done;
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	nonce = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	ok = nonce && TS_REQ_set_nonce(req, nonce) && TS_REQ_set_cert_req(req, 1);
done:
	BN_free(bn);
	ASN1_INTEGER_free(nonce);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	if (!ok) {
		TS_REQ_free(req);
		return NULL;
	}
	return req;
}

/* ---- HTTP ---- */

struct reply {
	unsigned char *p;
	size_t n;
	int too_big;
};

static size_t reply_take(char *data, size_t size, size_t nmemb, void *payload)
{
	struct reply *r = payload;
	size_t n = size * nmemb;
	unsigned char *p;

	if (r->n + n > ANCHOR_REPLY_MAX) {
		r->too_big = 1;
		return 0;
	}
	p = realloc(r->p, r->n + n + 1);
	if (!p)
		return 0;
	memcpy(p + r->n, data, n);
	r->p = p;
	r->n += n;
	return n;
}

static void curl_setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* POSTs the request der to url; on failure why says so (curl's words or
 * the HTTP status) and the return is -1. */
static int http_post(struct reply *r, const char *url, const unsigned char *der,
		     size_t der_len, unsigned timeout_s, char *why,
		     size_t why_size)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	char err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	CURL *c;
	CURLcode cc;
	long status = 0;
	int rc = -1;

	pthread_once(&once, curl_setup);
	c = curl_easy_init();
	hdr = curl_slist_append(NULL,
				"Content-Type: application/timestamp-query");
	if (!c || !hdr) {
		snprintf(why, why_size, "out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)der);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)der_len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, reply_take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "libforensic/" FX_VERSION_STRING);
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(why, why_size, "%s", r->too_big
			 ? "reply larger than 1 MiB" : err[0] ? err
			 : curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		snprintf(why, why_size, "HTTP status %ld", status);
		goto done;
	}
	rc = 0;
done:
	curl_slist_free_all(hdr);
	if (c)
		curl_easy_cleanup(c);
	return rc;
}

/* ---- checking a reply ---- */

/* An X509_STORE with the certificates of ca_file, or NULL (why says). */
static X509_STORE *ca_store(const char *ca_file, char *why, size_t why_size)
{
	X509_STORE *st = X509_STORE_new();

	if (st && X509_STORE_load_file(st, ca_file) == 1)
		return st;
	ssl_why(why, why_size, "out of memory");
	X509_STORE_free(st);
	return NULL;
}

/* The certificates of a PEM file, or NULL (why says). */
static STACK_OF(X509) *cert_list(const char *path, char *why, size_t why_size)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	if (!sk || !b)
		goto fail;
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x)) {
			X509_free(x);
			goto fail;
		}
	ERR_clear_error();  /* the end of the file */
	BIO_free(b);
	if (sk_X509_num(sk) > 0)
		return sk;
	snprintf(why, why_size, "%s: no certificate in it", path);
	sk_X509_free(sk);
	return NULL;
fail:
	ssl_why(why, why_size, "cannot read it");
	BIO_free(b);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

/* Adds the trust of opts to ctx: signature checked against the CA file
 * (and the untrusted certificates). 0, or -1 with why. */
static int ctx_trust(TS_VERIFY_CTX *ctx, const fx_casedb_anchor_options *o,
		     char *why, size_t why_size)
{
	X509_STORE *st;
	STACK_OF(X509) *sk;
	char msg[256];

	st = ca_store(o->ca_file, msg, sizeof(msg));
	if (!st) {
		snprintf(why, why_size, "CA file %s: %s", o->ca_file, msg);
		return -1;
	}
	TS_VERIFY_CTX_set_store(ctx, st);
	if (o->untrusted_file) {
		sk = cert_list(o->untrusted_file, msg, sizeof(msg));
		if (!sk) {
			snprintf(why, why_size, "certificate file %s: %s",
				 o->untrusted_file, msg);
			return -1;
		}
		TS_VERIFY_CTX_set_certs(ctx, sk);
	}
	TS_VERIFY_CTX_add_flags(ctx, TS_VFY_SIGNATURE);
	return 0;
}

/* The token's genTime as "YYYY-MM-DDTHH:MM:SSZ"; -1 if it has none. */
static int token_time(char *out, size_t size, TS_RESP *resp)
{
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	const ASN1_GENERALIZEDTIME *t = tst ? TS_TST_INFO_get_time(tst) : NULL;
	struct tm tm;

	out[0] = '\0';
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return 0;
}

/* The token's imprint uses SHA-256 (the only hash this module asks for). */
static int imprint_is_sha256(TS_RESP *resp)
{
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	TS_MSG_IMPRINT *mi = tst ? TS_TST_INFO_get_msg_imprint(tst) : NULL;
	X509_ALGOR *alg = mi ? TS_MSG_IMPRINT_get_algo(mi) : NULL;
	const ASN1_OBJECT *obj = NULL;

	if (!alg)
		return 0;
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	return OBJ_obj2nid(obj) == NID_sha256;
}

/* Checks the reply der (n bytes) to req: granted, this nonce and imprint,
 * and with a CA the signature. On success *out_resp is the parsed reply. */
static int reply_check(TS_RESP **out_resp, TS_REQ *req,
		       const unsigned char *der, size_t n,
		       const fx_casedb_anchor_options *o, char *why,
		       size_t why_size)
{
	const unsigned char *p = der;
	TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)n);
	TS_VERIFY_CTX *ctx = NULL;
	char msg[256];
	int rc = -1;

	if (!resp || p != der + n) {
		snprintf(why, why_size, "the reply is not a TimeStampResp");
		goto done;
	}
	ctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
	if (!ctx || (o->ca_file && ctx_trust(ctx, o, why, why_size)))
		goto done;
	if (TS_RESP_verify_response(ctx, resp) != 1) {
		ssl_why(msg, sizeof(msg), "refused");
		snprintf(why, why_size, "the reply does not check: %s", msg);
		goto done;
	}
	if (!imprint_is_sha256(resp)) {
		snprintf(why, why_size, "the token's imprint is not SHA-256");
		goto done;
	}
	*out_resp = resp;
	resp = NULL;
	rc = 0;
done:
	TS_VERIFY_CTX_free(ctx);
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}

/* ---- storing ---- */

static int anchor_store(fx_casedb *db, fx_casedb_anchor_info *a,
			const unsigned char *token, size_t token_len)
{
	fx_stmt *st = NULL;
	int rc = fx_casedb_tx_begin(db);

	if (rc)
		return rc;
	rc = fx_store_prepare(&st, db->store, "INSERT INTO anchors (seq, "
			      "head_hash, tsa_url, status, error, token, "
			      "token_sha256, token_time_utc, requested_utc, "
			      "actor, host) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			      "?7, ?8, ?9, ?10, ?11)");
	if (rc)
		goto done;
	fx_stmt_bind_int(st, 1, a->seq);
	fx_stmt_bind_text(st, 2, a->head_hash);
	if ((rc = fx_casedb_bind_text(db, st, 3, a->tsa_url)) != 0)
		goto done;
	fx_stmt_bind_text(st, 4, a->stamped ? "stamped" : "failed");
	if ((rc = fx_casedb_bind_text(db, st, 5,
				      a->stamped ? NULL : a->error)) != 0)
		goto done;
	if (a->stamped)
		fx_stmt_bind_blob(st, 6, token, token_len);
	else
		fx_stmt_bind_null(st, 6);
	fx_stmt_bind_text(st, 7, a->stamped ? a->token_sha256 : NULL);
	fx_stmt_bind_text(st, 8, a->stamped ? a->token_time_utc : NULL);
	fx_stmt_bind_text(st, 9, a->requested_utc);
	fx_stmt_bind_text(st, 10, db->actor);
	fx_stmt_bind_text(st, 11, db->host);
	if (fx_stmt_step(st) != FX_STORE_DONE) {
		rc = fx_store_error(db->store, "record the anchor");
		goto done;
	}
	a->id = fx_store_last_id(db->store);
	fx_stmt_free(st);
	st = NULL;
	rc = fx_casedb_tx_commit(db);
	if (!rc)
		return 0;
done:
	fx_stmt_free(st);
	fx_casedb_tx_rollback(db);
	return rc;
}

/* Asks the TSA; fills a (stamped, token fields, or error). The reply is
 * left in *r for storing. */
static void anchor_ask(fx_casedb_anchor_info *a, struct reply *r,
		       const fx_casedb_anchor_options *o)
{
	unsigned char md[SHA256_DIGEST_LENGTH], tok_md[SHA256_DIGEST_LENGTH];
	unsigned char *der = NULL;
	TS_RESP *resp = NULL;
	TS_REQ *req;
	char why[400] = "";
	int n;

	imprint_of(md, a->seq, a->head_hash);
	req = request_new(md);
	n = req ? i2d_TS_REQ(req, &der) : -1;
	if (n <= 0) {
		snprintf(why, sizeof(why), "cannot build the request");
		goto done;
	}
	if (http_post(r, a->tsa_url, der, (size_t)n,
		      o->timeout_s ? o->timeout_s : ANCHOR_TIMEOUT_S, why,
		      sizeof(why)))
		goto done;
	if (reply_check(&resp, req, r->p, r->n, o, why, sizeof(why)))
		goto done;
	token_time(a->token_time_utc, sizeof(a->token_time_utc), resp);
	SHA256(r->p, r->n, tok_md);
	fx_hex_encode(a->token_sha256, tok_md, sizeof(tok_md));
	a->stamped = 1;
done:
	if (!a->stamped)
		snprintf(a->error, sizeof(a->error), "TSA %.300s: %.200s",
			 a->tsa_url, why);
	TS_RESP_free(resp);
	TS_REQ_free(req);
	OPENSSL_free(der);
	ERR_clear_error();
}

int fx_casedb_anchor(fx_casedb_anchor_info *out, fx_casedb *db,
		     const fx_casedb_anchor_options *opts)
{
	fx_casedb_anchor_options o = FX_CASEDB_ANCHOR_OPTIONS_INIT;
	fx_casedb_audit_head head;
	struct reply r = { NULL, 0, 0 };
	int rc;

	FX_CHECK_ARG(out);
	FX_CHECK_ARG(db);
	FX_CHECK_ARG(opts);
	FX_CHECK_VERSION(opts, FX_CASEDB_ANCHOR_OPTIONS_VERSION,
			 "fx_casedb_anchor_options");
	memcpy(&o, opts, sizeof(o));  /* version 1 is the whole struct */
	memset(out, 0, sizeof(*out));
	if (!o.tsa_url || !o.tsa_url[0])
		return fx_error_set(FX_EUSAGE, "anchor: a TSA URL is required");
	rc = fx_casedb_audit_head_get(&head, db);
	if (rc)
		return rc;
	if (!head.last_seq)
		return fx_error_set(FX_ENOTFOUND, "case database %s: the audit "
				    "log is empty, nothing to anchor",
				    db->path);
	out->seq = head.last_seq;
	snprintf(out->head_hash, sizeof(out->head_hash), "%s", head.hash);
	snprintf(out->tsa_url, sizeof(out->tsa_url), "%s", o.tsa_url);
	fx_utc_now(out->requested_utc, sizeof(out->requested_utc), 0);
	anchor_ask(out, &r, &o);
	rc = anchor_store(db, out, r.p, r.n);
	free(r.p);
	if (rc)
		return rc;
	if (!out->stamped)
		return fx_error_set(FX_EIO, "%s", out->error);
	return 0;
}

/* ---- checking what is stored ---- */

const char *fx_casedb_anchor_state_name(fx_casedb_anchor_state s)
{
	switch (s) {
	case FX_ANCHOR_VERIFIED: return "verified";
	case FX_ANCHOR_NOT_CHECKED: return "not_checked";
	case FX_ANCHOR_MISSING: return "missing";
	case FX_ANCHOR_BAD_TOKEN: return "bad_token";
	case FX_ANCHOR_HEAD_GONE: return "head_gone";
	}
	return "?";
}

/* Checks a stored token against the row a: the imprint is a's head, the
 * time a's, and with a CA the signature and chain. 0, or -1 with why. */
static int token_check(const fx_casedb_anchor_info *a, const unsigned char *der,
		       size_t n, const fx_casedb_anchor_options *o, char *why,
		       size_t why_size)
{
	unsigned char md[SHA256_DIGEST_LENGTH], *imp = NULL;
	const unsigned char *p = der;
	TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)n);
	TS_VERIFY_CTX *ctx = TS_VERIFY_CTX_new();
	char t[40], msg[256];
	int rc = -1;

	if (!resp || p != der + n) {
		snprintf(why, why_size, "the stored token is not a "
			 "TimeStampResp");
		goto done;
	}
	imprint_of(md, a->seq, a->head_hash);
	imp = OPENSSL_memdup(md, sizeof(md));
	if (!ctx || !imp) {
		snprintf(why, why_size, "out of memory");
		goto done;
	}
	TS_VERIFY_CTX_set_imprint(ctx, imp, sizeof(md));
	imp = NULL;
	TS_VERIFY_CTX_set_flags(ctx, TS_VFY_VERSION | TS_VFY_IMPRINT);
	if (o->ca_file && ctx_trust(ctx, o, why, why_size))
		goto done;
	if (TS_RESP_verify_response(ctx, resp) != 1 || !imprint_is_sha256(resp)) {
		ssl_why(msg, sizeof(msg), "its imprint is not SHA-256");
		snprintf(why, why_size, "the token does not check: %s", msg);
		goto done;
	}
	if (token_time(t, sizeof(t), resp) || strcmp(t, a->token_time_utc)) {
		snprintf(why, why_size, "the token's time %s is not the "
			 "recorded %s", t, a->token_time_utc);
		goto done;
	}
	rc = 0;
done:
	OPENSSL_free(imp);
	TS_VERIFY_CTX_free(ctx);
	TS_RESP_free(resp);
	ERR_clear_error();
	return rc;
}

/* Is event a->seq still in the chain with a->head_hash? Fills finding. */
static int head_check(fx_casedb_anchor_info *a, fx_stmt *ev)
{
	const char *h;
	int step;

	fx_stmt_reset(ev);
	fx_stmt_bind_int(ev, 1, a->seq);
	step = fx_stmt_step(ev);
	if (step == FX_STORE_FAILED)
		return FX_ERROR;
	h = step == FX_STORE_ROW ? fx_stmt_text(ev, 0) : NULL;
	if (step == FX_STORE_DONE)
		snprintf(a->finding, sizeof(a->finding), "anchor %lld "
			 "(time-stamped %s): event %lld with hash %s is "
			 "missing: the chain was cut after it",
			 (long long)a->id, a->token_time_utc,
			 (long long)a->seq, a->head_hash);
	else if (!h || strcmp(h, a->head_hash))
		snprintf(a->finding, sizeof(a->finding), "anchor %lld "
			 "(time-stamped %s): event %lld has hash %.64s, the "
			 "token anchors %s: the chain was rewritten",
			 (long long)a->id, a->token_time_utc,
			 (long long)a->seq, h ? h : "(none)", a->head_hash);
	else
		return 0;
	a->state = FX_ANCHOR_HEAD_GONE;
	return 0;
}

/* Reads row st into a; *der, *n: its token (borrowed from st). */
static void anchor_row(fx_casedb_anchor_info *a, fx_stmt *st,
		       const unsigned char **der, size_t *n)
{
	const char *s;

	memset(a, 0, sizeof(*a));
	a->id = fx_stmt_int(st, 0);
	a->seq = fx_stmt_int(st, 1);
	fx_casedb_hex_col(a->head_hash, sizeof(a->head_hash),
			  fx_stmt_text(st, 2));
	s = fx_stmt_text(st, 3);
	snprintf(a->tsa_url, sizeof(a->tsa_url), "%s", s ? s : "");
	s = fx_stmt_text(st, 4);
	a->stamped = s && strcmp(s, "stamped") == 0;
	s = fx_stmt_text(st, 5);
	snprintf(a->error, sizeof(a->error), "%s", s ? s : "");
	*der = (const unsigned char *)fx_stmt_text(st, 6);
	*n = *der ? fx_stmt_bytes(st, 6) : 0;
	fx_casedb_hex_col(a->token_sha256, sizeof(a->token_sha256),
			  fx_stmt_text(st, 7));
	s = fx_stmt_text(st, 8);
	snprintf(a->token_time_utc, sizeof(a->token_time_utc), "%s",
		 s ? s : "");
	s = fx_stmt_text(st, 9);
	snprintf(a->requested_utc, sizeof(a->requested_utc), "%s", s ? s : "");
}

/* What one anchor is: fills a->state and a->finding. */
static int anchor_judge(fx_casedb_anchor_info *a, const unsigned char *der,
			size_t n, const fx_casedb_anchor_options *o,
			fx_stmt *ev)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[FX_HASH_HEX], why[400];

	if (!a->stamped) {
		a->state = FX_ANCHOR_MISSING;
		snprintf(a->finding, sizeof(a->finding), "anchor %lld of event "
			 "%lld was not time-stamped: %.400s", (long long)a->id,
			 (long long)a->seq, a->error);
		return 0;
	}
	SHA256(der, n, md);
	fx_hex_encode(hex, md, sizeof(md));
	if (!der || strcmp(hex, a->token_sha256)) {
		snprintf(why, sizeof(why), "the stored token's SHA-256 is %s, "
			 "recorded %s", hex, a->token_sha256);
	} else if (token_check(a, der, n, o, why, sizeof(why)) == 0) {
		a->state = o->ca_file ? FX_ANCHOR_VERIFIED
				      : FX_ANCHOR_NOT_CHECKED;
		if (!o->ca_file)
			snprintf(a->finding, sizeof(a->finding), "anchor %lld "
				 "of event %lld: the TSA's signature was not "
				 "checked (no CA given); its imprint, time and "
				 "event match", (long long)a->id,
				 (long long)a->seq);
		return head_check(a, ev);
	}
	a->state = FX_ANCHOR_BAD_TOKEN;
	snprintf(a->finding, sizeof(a->finding), "anchor %lld of event %lld "
		 "(token %.16s...) is refused: %s", (long long)a->id,
		 (long long)a->seq, a->token_sha256, why);
	return 0;
}

int fx_casedb_anchor_check(uint64_t *out_bad, fx_casedb *db,
			   const fx_casedb_anchor_options *opts,
			   fx_casedb_anchor_cb cb, void *payload)
{
	fx_casedb_anchor_options o = FX_CASEDB_ANCHOR_OPTIONS_INIT;
	fx_casedb_anchor_info a;
	fx_stmt *st = NULL, *ev = NULL;
	const unsigned char *der;
	uint64_t bad = 0;
	size_t n;
	int rc, step = FX_STORE_DONE;

	FX_CHECK_ARG(db);
	FX_CHECK_ARG(cb);
	if (opts) {
		FX_CHECK_VERSION(opts, FX_CASEDB_ANCHOR_OPTIONS_VERSION,
				 "fx_casedb_anchor_options");
		memcpy(&o, opts, sizeof(o));
	}
	if (out_bad)
		*out_bad = 0;
	if (db->version < FX_SCHEMA_ANCHORS)
		return 0;  /* no anchors table before schema 5 */
	rc = fx_casedb_read_begin(db);
	if (rc)
		return rc;
	rc = fx_store_prepare(&st, db->store, "SELECT id, seq, head_hash, "
			      "tsa_url, status, error, token, token_sha256, "
			      "token_time_utc, requested_utc FROM anchors "
			      "ORDER BY id");
	if (!rc)
		rc = fx_store_prepare(&ev, db->store, "SELECT hash FROM "
				      "audit_log WHERE seq = ?1");
	while (!rc && (step = fx_stmt_step(st)) == FX_STORE_ROW) {
		anchor_row(&a, st, &der, &n);
		rc = anchor_judge(&a, der, n, &o, ev);
		if (rc) {
			rc = fx_store_error(db->store, "read the audit log");
			break;
		}
		if (a.state == FX_ANCHOR_BAD_TOKEN ||
		    a.state == FX_ANCHOR_HEAD_GONE)
			bad++;
		rc = cb(&a, payload);
	}
	if (!rc && step != FX_STORE_DONE)
		rc = fx_store_error(db->store, "read the anchors");
	fx_stmt_free(ev);
	fx_stmt_free(st);
	fx_casedb_tx_rollback(db);
	if (out_bad)
		*out_bad = bad;
	return rc;
}
