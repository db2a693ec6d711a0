/* Helpers shared by the Check unit tests: temporary directories, file hashes
 * through OpenSSL (independent of libforensic's hashing), patterned data,
 * and the known media and E01 images that the image reader's tests and the
 * verification tests both read (written once here, not in each file). The
 * expected values they give come from elsewhere than the code under test:
 * hashes from OpenSSL, chunk locations from the E01's own table section. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "testutil.h"

const char *fxt_tmpdir(const char *tag)
{
	static char path[4096];
	static unsigned counter;
	const char *base = getenv("FX_TEST_TMP");
	char cmd[4200];

	if (!base || !*base)
		base = "/tmp";
	mkdir(base, 0755);
	snprintf(path, sizeof(path), "%s/%s.%ld.%u", base, tag, (long)getpid(),
		 counter++);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		return NULL;
	if (mkdir(path, 0755) != 0)
		return NULL;
	return path;
}

static int file_digest(char *out, const char *path, const EVP_MD *md)
{
	unsigned char buf[1 << 16], digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0, i;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	ssize_t n;
	int fd = open(path, O_RDONLY), rc = -1;

	if (fd < 0 || !ctx)
		goto done;
	EVP_DigestInit_ex(ctx, md, NULL);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	if (n < 0)
		goto done;
	EVP_DigestFinal_ex(ctx, digest, &dlen);
	for (i = 0; i < dlen; i++)
		sprintf(out + 2 * i, "%02x", digest[i]);
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	return rc;
}

int fxt_file_sha256(char out[65], const char *path)
{
	return file_digest(out, path, EVP_sha256());
}

int fxt_file_md5(char out[33], const char *path)
{
	return file_digest(out, path, EVP_md5());
}

int fxt_write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (len && fwrite(data, 1, len, f) != len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

void fxt_fill_pattern(uint8_t *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed ? seed : 0x9e3779b97f4a7c15ull;
	size_t i;

	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

void fxt_sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char d[32];
	unsigned int i, dlen = 0;

	EVP_Digest(data, len, d, &dlen, EVP_sha256(), NULL);
	for (i = 0; i < dlen; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* ---- known media and E01 images ----------------------------------------- */

uint8_t *fxt_make_media(void)
{
	static const char text[] = "the examiner re-verifies the evidence before it changes hands. ";
	uint8_t *m = malloc(FXT_MEDIA_SIZE);
	size_t i;

	ck_assert_ptr_nonnull(m);
	memset(m, 0, FXT_MIB);
	fxt_fill_pattern(m + FXT_MIB, FXT_MIB, 7);
	for (i = 0; i < FXT_MIB; i++)
		m[2 * FXT_MIB + i] = (uint8_t)text[i % (sizeof(text) - 1)];
	fxt_fill_pattern(m + 3 * FXT_MIB, FXT_MIB, 11);
	return m;
}

static void hex_digest(char *out, const EVP_MD *md, const void *data, size_t len)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_Digest(data, len, d, &n, md, NULL);
	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

fxt_hashes fxt_hash_of(const void *data, size_t len)
{
	fxt_hashes h;

	hex_digest(h.md5, EVP_md5(), data, len);
	hex_digest(h.sha1, EVP_sha1(), data, len);
	hex_digest(h.sha256, EVP_sha256(), data, len);
	return h;
}

void fxt_write_or_die(const char *path, const void *data, size_t len)
{
	unlink(path);
	ck_assert_int_eq(fxt_write_file(path, data, len), 0);
}

void fxt_flip_byte(const char *path, uint64_t off)
{
	int fd = open(path, O_RDWR);
	uint8_t b;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &b, 1, (off_t)off), 1);
	b ^= 0x5a;
	ck_assert_int_eq(pwrite(fd, &b, 1, (off_t)off), 1);
	close(fd);
}

typedef struct mem {
	const uint8_t *data;
	size_t size;
} mem;

static int64_t mem_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	mem *m = payload;

	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = (size_t)(m->size - off);
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

void fxt_make_e01(const char *target, const uint8_t *media, size_t len,
		  const char *compression, uint64_t segment)
{
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, mem_pread, NULL };
	fx_e01_options eo = FX_E01_OPTIONS_INIT;
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result res;
	fx_source *src = NULL;
	fx_sink *sink = NULL;
	mem m = { media, len };

	eo.compression = compression;
	eo.segment_size = segment;
	eo.media_size = len;
	eo.threads = 2;
	ck_assert_int_eq(fx_source_new_custom(&src, &ops, &m, len, 512, "media"), 0);
	ck_assert_msg(fx_sink_e01_new(&sink, target, &eo) == 0, "%s", fx_error_last());
	ck_assert_int_eq(fx_acquire_run(&res, src, sink, &ao), 0);
	ck_assert_int_eq(res.status, FX_STATUS_COMPLETED);
	fx_acquire_result_clear(&res);
	fx_sink_free(sink);
	fx_source_free(src);
}

void fxt_make_segmented(const char *target, uint8_t *media)
{
	fxt_fill_pattern(media, FXT_MEDIA_SIZE, 99);
	fxt_make_e01(target, media, FXT_MEDIA_SIZE, "fast", FXT_MIB);
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* The "table" section: entry = offset from the base, top bit = compressed. */
uint64_t fxt_chunk_offset(const char *e01, unsigned k, int *compressed)
{
	uint8_t d[76], h[24], e[4];
	uint64_t off = 13, base;
	int fd = open(e01, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	for (;;) {
		ck_assert_int_eq(pread(fd, d, sizeof(d), (off_t)off), 76);
		if (!strcmp((char *)d, "table"))
			break;
		ck_assert_msg(strcmp((char *)d, "done") && strcmp((char *)d, "next"),
			      "no table section in %s", e01);
		off = le(d + 16, 8);
	}
	ck_assert_int_eq(pread(fd, h, sizeof(h), (off_t)off + 76), 24);
	ck_assert_uint_gt(le(h, 4), k);
	base = le(h + 8, 8);
	ck_assert_int_eq(pread(fd, e, 4, (off_t)(off + 76 + 24 + 4 * k)), 4);
	close(fd);
	*compressed = (e[3] & 0x80) != 0;
	return base + (le(e, 4) & 0x7fffffff);
}

void fxt_expect_open_fails(const char *first, int code, const char *needle)
{
	fx_source *img = NULL;

	ck_assert_int_eq(fx_image_open(&img, first, NULL), code);
	ck_assert_ptr_null(img);
	ck_assert_msg(strstr(fx_error_last(), needle), "message '%s' lacks '%s'",
		      fx_error_last(), needle);
}
