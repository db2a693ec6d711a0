/* Helpers shared by the Check unit tests: temporary directories, file hashes
 * through OpenSSL (independent of libforensic's hashing), patterned data. */
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
