/*
 * Hash algorithm names, digest sets and single-threaded hashers over
 * OpenSSL EVP. The concurrent fan-out lives in acquire.c; this file knows
 * nothing of threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "base/error.h"
#include "forensic/hash.h"
#include "hash/hasher.h"
#include "base/hex.h"
#include "base/storage.h"

struct fx_hasher {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
};

static const struct {
	unsigned alg;
	const char *name;
} fx_hash_names[] = {
	{ FX_HASH_MD5, "md5" },
	{ FX_HASH_SHA1, "sha1" },
	{ FX_HASH_SHA256, "sha256" },
};

const char *fx_hash_name(unsigned alg)
{
	size_t i;

	for (i = 0; i < sizeof(fx_hash_names) / sizeof(fx_hash_names[0]); i++)
		if (fx_hash_names[i].alg == alg)
			return fx_hash_names[i].name;
	return NULL;
}

static unsigned parse_one(const char *word, size_t len)
{
	size_t i;

	if (len == 3 && strncasecmp(word, "all", 3) == 0)
		return FX_HASH_ALL;
	if (len == 5 && strncasecmp(word, "sha-1", 5) == 0)
		return FX_HASH_SHA1;
	if (len == 7 && strncasecmp(word, "sha-256", 7) == 0)
		return FX_HASH_SHA256;
	for (i = 0; i < sizeof(fx_hash_names) / sizeof(fx_hash_names[0]); i++)
		if (strlen(fx_hash_names[i].name) == len &&
		    strncasecmp(word, fx_hash_names[i].name, len) == 0)
			return fx_hash_names[i].alg;
	return 0;
}

int fx_hash_parse_list(unsigned *out, const char *list)
{
	const char *p = list;
	unsigned set = 0, one;
	size_t len;

	FX_CHECK_ARG(out);
	*out = 0;
	while (p && *p) {
		len = strcspn(p, ",");
		if (len == 0 || !(one = parse_one(p, len)))
			return fx_error_set(FX_EUSAGE,
					    "unknown hash algorithm '%.*s' in '%s' (use md5, sha1, sha256)",
					    (int)len, p, list);
		set |= one;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!set)
		return fx_error_set(FX_EUSAGE, "empty hash list '%s'",
				    list ? list : "");
	*out = set;
	return 0;
}

const char *fx_digests_get(const fx_digests *d, unsigned alg)
{
	switch (alg) {
	case FX_HASH_MD5:
		return d->md5;
	case FX_HASH_SHA1:
		return d->sha1;
	case FX_HASH_SHA256:
		return d->sha256;
	default:
		return NULL;
	}
}

int fx_digests_compare(const fx_digests *a, const fx_digests *b)
{
	unsigned alg, shared = 0;
	const char *x, *y;

	for (alg = 1; alg <= FX_HASH_SHA256; alg <<= 1) {
		x = fx_digests_get(a, alg);
		y = fx_digests_get(b, alg);
		if (!x[0] || !y[0])
			continue;
		shared++;
		if (strcasecmp(x, y) != 0)
			return (int)alg;
	}
	return shared ? 0 : -1;
}

int fx_hasher_new(fx_hasher **out, unsigned alg)
{
	fx_hasher *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (!h)
		return fx_error_set(FX_ERROR, "out of memory for a hasher");
	h->md = alg == FX_HASH_MD5 ? EVP_md5()
		: alg == FX_HASH_SHA1 ? EVP_sha1()
		: alg == FX_HASH_SHA256 ? EVP_sha256() : NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->md || !h->ctx || !EVP_DigestInit_ex(h->ctx, h->md, NULL)) {
		fx_hasher_free(h);
		return fx_error_set(FX_ERROR, "cannot start hash algorithm %u",
				    alg);
	}
	*out = h;
	return 0;
}

void fx_hasher_update(fx_hasher *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

void fx_hasher_final_hex(fx_hasher *h, char *out, size_t hex_len)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	EVP_DigestFinal_ex(h->ctx, digest, &len);
	if (2 * (size_t)len + 1 > hex_len)
		len = (unsigned int)((hex_len - 1) / 2);
	fx_hex_encode(out, digest, len);
	EVP_DigestInit_ex(h->ctx, h->md, NULL);
}

int fx_hasher_peek_hex(const fx_hasher *h, char *out, size_t hex_len)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	int rc = -1;

	if (copy && EVP_MD_CTX_copy_ex(copy, h->ctx) == 1 &&
	    EVP_DigestFinal_ex(copy, digest, &len) == 1) {
		if (2 * (size_t)len + 1 > hex_len)
			len = (unsigned int)((hex_len - 1) / 2);
		fx_hex_encode(out, digest, len);
		rc = 0;
	}
	EVP_MD_CTX_free(copy);
	return rc;
}

void fx_hasher_free(fx_hasher *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

static int file_sha256(char out[65], const char *path, int stored,
		       volatile sig_atomic_t *cancel)
{
	fx_hasher *h = NULL;
	uint8_t *buf = malloc(1 << 20);
	ssize_t n = 0;
	int fd = -1, rc;

	out[0] = '\0';
	if (!buf) {
		rc = fx_error_set(FX_ERROR, "out of memory hashing %s", path);
		goto done;
	}
	if ((rc = fx_hasher_new(&h, FX_HASH_SHA256)) != 0)
		goto done;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
					"cannot open %s", path);
		goto done;
	}
	if (stored) {
		if (fx_storage_drop_cache(fd) != 0) {
			rc = fx_error_set_errno(fx_error_from_errno(errno), errno,
						"cannot flush %s to storage", path);
			goto done;
		}
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}
	while ((n = read(fd, buf, 1 << 20)) > 0 || (n < 0 && errno == EINTR)) {
		if (fx_cancelled(cancel)) {
			rc = fx_error_set(FX_EINTR, "interrupted while hashing %s", path);
			goto done;
		}
		if (n > 0)
			fx_hasher_update(h, buf, (size_t)n);
	}
	if (n < 0) {
		rc = fx_error_set_errno(FX_EIO, errno, "cannot read %s", path);
		goto done;
	}
	fx_hasher_final_hex(h, out, 65);
done:
	if (fd >= 0)
		close(fd);
	fx_hasher_free(h);
	free(buf);
	return rc;
}

int fx_file_sha256(char out[65], const char *path)
{
	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	return file_sha256(out, path, 0, NULL);
}

int fx_file_sha256_stored(char out[65], const char *path,
			  volatile sig_atomic_t *cancel)
{
	FX_CHECK_ARG(out);
	FX_CHECK_ARG(path);
	return file_sha256(out, path, 1, cancel);
}
