/*
 * Unit tests of sources through the public API: the write-block of a block
 * device and fx_source_restore_write_block (a loop device over a scratch
 * file, needs root: otherwise those tests print SKIP and pass), whether a
 * source has been read (read_started), and that a run cancelled before it
 * starts never reads, what kind of source it is (kind, is_partition), and
 * that a regular file truncated while it is read fails the run. The loop
 * device is attached once per test case by the parent process (an
 * unchecked fixture), so it is detached whatever a test does; it has no
 * partitions (acquire_source_state.sh covers those). Streams: the
 * framing's encoder and decoder (source/stream_frame.h, so this test
 * links the library's objects), the framed-stream reader on streams built
 * with them (each kind of damage named exactly), and standard input as a
 * source of a size known or not.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/loop.h>

#include "forensic/forensic.h"
#include "source/stream_frame.h"
#include "testutil.h"

#define LOOP_BYTES (1u << 20)

static char loop_path[64];   /* "/dev/loopN", "" when not attached */
static char loop_name[32];   /* "loopN" */
static char loop_why[256];   /* why not attached */
static int loop_fd = -1;     /* keeps the autoclear loop device alive */

/* Attaches a 1 MiB scratch file as a loop device that the kernel detaches
 * itself when its last descriptor closes (LO_FLAGS_AUTOCLEAR). */
static void loop_setup(void)
{
	struct loop_info64 li;
	const char *dir = fxt_tmpdir("check_source");
	char file[4200] = "";
	uint8_t *data = calloc(1, LOOP_BYTES);
	int ctl = -1, ffd = -1, n = -1, ro = 1;

	loop_path[0] = '\0';
	snprintf(loop_why, sizeof(loop_why), "needs root and /dev/loop-control");
	if (!dir || !data || geteuid() != 0)
		goto done;
	snprintf(file, sizeof(file), "%s/backing", dir);
	fxt_fill_pattern(data, LOOP_BYTES, 7);
	if (fxt_write_file(file, data, LOOP_BYTES) != 0 ||
	    (ffd = open(file, O_RDWR | O_CLOEXEC)) < 0 ||
	    (ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) < 0 ||
	    (n = ioctl(ctl, LOOP_CTL_GET_FREE)) < 0)
		goto done;
	snprintf(loop_name, sizeof(loop_name), "loop%d", n);
	snprintf(loop_path, sizeof(loop_path), "/dev/%s", loop_name);
	loop_fd = open(loop_path, O_RDWR | O_CLOEXEC); /* else a read-only loop */
	memset(&li, 0, sizeof(li));
	li.lo_flags = LO_FLAGS_AUTOCLEAR;
	if (loop_fd < 0 || ioctl(loop_fd, LOOP_SET_FD, ffd) != 0 ||
	    ioctl(loop_fd, LOOP_SET_STATUS64, &li) != 0 ||
	    ioctl(loop_fd, BLKROGET, &ro) != 0 || ro != 0) {
		snprintf(loop_why, sizeof(loop_why), "cannot attach %s: %s",
			 loop_path, strerror(errno));
		if (loop_fd >= 0)
			ioctl(loop_fd, LOOP_CLR_FD, 0);
		loop_path[0] = '\0';
	}
done:
	if (ffd >= 0)
		close(ffd);
	if (ctl >= 0)
		close(ctl);
	if (dir) {
		unlink(file); /* the loop device holds it open */
		rmdir(dir);
	}
	free(data);
}

static void loop_teardown(void)
{
	int off = 0;

	if (loop_fd < 0)
		return;
	ioctl(loop_fd, BLKROSET, &off);
	ioctl(loop_fd, LOOP_CLR_FD, 0);
	close(loop_fd);
	loop_fd = -1;
}

/* The loop device's read-only flag as the kernel has it now. */
static int loop_ro(void)
{
	int ro = -1;

	ck_assert_int_eq(ioctl(loop_fd, BLKROGET, &ro), 0);
	return ro;
}

static void loop_set_ro(int on)
{
	ck_assert_int_eq(ioctl(loop_fd, BLKROSET, &on), 0);
}

static int loop_skip(void)
{
	if (loop_path[0])
		return 0;
	printf("SKIP: check_source: %s\n", loop_why);
	fflush(stdout);
	return 1;
}

/* "loopN=flag" */
static const char *flag_text(int flag)
{
	static char text[64];

	snprintf(text, sizeof(text), "%s=%d", loop_name, flag);
	return text;
}

START_TEST(test_restore_clears_the_flag_it_set)
{
	fx_source *src = NULL;
	const fx_source_info *in;

	if (loop_skip())
		return;
	loop_set_ro(0);
	ck_assert_int_eq(fx_source_open(&src, loop_path, NULL), 0);
	in = fx_source_get_info(src);
	ck_assert_str_eq(in->write_block_method, "BLKROSET");
	ck_assert_str_eq(in->ro_before, flag_text(0));
	ck_assert_str_eq(in->ro_after, flag_text(1));
	ck_assert_str_eq(in->ro_kept, "");
	ck_assert_int_eq(loop_ro(), 1);
	ck_assert_int_eq(in->read_started, 0);

	ck_assert_int_eq(fx_source_restore_write_block(src), 0);
	ck_assert_str_eq(in->ro_restored, flag_text(0));
	ck_assert_str_eq(in->ro_after, flag_text(0));
	ck_assert_int_eq(loop_ro(), 0);

	/* it acts once: a flag set since is not the restore's business */
	loop_set_ro(1);
	ck_assert_int_eq(fx_source_restore_write_block(src), 0);
	ck_assert_int_eq(loop_ro(), 1);
	fx_source_free(src);
	ck_assert_int_eq(loop_ro(), 1);
	loop_set_ro(0);
}
END_TEST

START_TEST(test_restore_keeps_a_flag_found_set)
{
	fx_source *src = NULL;
	const fx_source_info *in;

	if (loop_skip())
		return;
	loop_set_ro(1);
	ck_assert_int_eq(fx_source_open(&src, loop_path, NULL), 0);
	in = fx_source_get_info(src);
	ck_assert_str_eq(in->ro_before, flag_text(1));
	ck_assert_str_eq(in->ro_kept, flag_text(1));
	ck_assert_int_eq(fx_source_restore_write_block(src), 0);
	ck_assert_str_eq(in->ro_restored, "");
	ck_assert_str_eq(in->ro_after, flag_text(1));
	ck_assert_int_eq(loop_ro(), 1);
	fx_source_free(src);
	loop_set_ro(0);
}
END_TEST

START_TEST(test_free_leaves_the_flag_set)
{
	fx_source *src = NULL;
	_Alignas(4096) uint8_t buf[512]; /* O_DIRECT: an aligned buffer */

	if (loop_skip())
		return;
	loop_set_ro(0);
	ck_assert_int_eq(fx_source_open(&src, loop_path, NULL), 0);
	ck_assert_int_eq(fx_source_pread(src, buf, sizeof(buf), 0), 512);
	ck_assert_int_eq(fx_source_get_info(src)->read_started, 1);
	fx_source_free(src);
	ck_assert_int_eq(loop_ro(), 1);
	loop_set_ro(0);
}
END_TEST

START_TEST(test_no_write_block_has_nothing_to_restore)
{
	fx_source_options o = FX_SOURCE_OPTIONS_INIT;
	fx_source *src = NULL;
	const fx_source_info *in;

	if (loop_skip())
		return;
	loop_set_ro(0);
	o.write_block = 0;
	ck_assert_int_eq(fx_source_open(&src, loop_path, &o), 0);
	in = fx_source_get_info(src);
	ck_assert_str_eq(in->write_block_method, "disabled (--no-write-block)");
	ck_assert_str_eq(in->ro_before, flag_text(0));
	ck_assert_str_eq(in->ro_after, flag_text(0));
	ck_assert_int_eq(fx_source_restore_write_block(src), 0);
	ck_assert_str_eq(in->ro_restored, "");
	ck_assert_int_eq(loop_ro(), 0);
	fx_source_free(src);
}
END_TEST

/* A whole block device is a disk (kind FX_SOURCE_DEVICE), not a
 * partition: what an E01 of it records as physical. */
START_TEST(test_loop_device_is_a_disk)
{
	fx_source_options o = FX_SOURCE_OPTIONS_INIT;
	fx_source *src = NULL;
	const fx_source_info *in;

	if (loop_skip())
		return;
	loop_set_ro(0);
	o.write_block = 0;
	ck_assert_int_eq(fx_source_open(&src, loop_path, &o), 0);
	in = fx_source_get_info(src);
	ck_assert_int_eq(in->kind, FX_SOURCE_DEVICE);
	ck_assert_int_eq(in->is_block_device, 1);
	ck_assert_int_eq(in->is_partition, 0);
	ck_assert_str_eq(in->path, loop_path);
	fx_source_free(src);
}
END_TEST

START_TEST(test_regular_file_read_started)
{
	const char *dir = fxt_tmpdir("check_source_file");
	char path[4200];
	uint8_t data[1024], buf[512];
	fx_source *src = NULL;
	const fx_source_info *in;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/evidence", dir);
	fxt_fill_pattern(data, sizeof(data), 3);
	ck_assert_int_eq(fxt_write_file(path, data, sizeof(data)), 0);
	ck_assert_int_eq(fx_source_open(&src, path, NULL), 0);
	in = fx_source_get_info(src);
	ck_assert_int_eq(in->read_started, 0);
	ck_assert_int_eq(fx_source_restore_write_block(src), 0);
	ck_assert_str_eq(in->ro_restored, "");
	ck_assert_str_eq(in->ro_before, "");
	ck_assert_int_eq(fx_source_pread(src, buf, sizeof(buf), 512), 512);
	ck_assert_int_eq(in->read_started, 1);
	ck_assert_mem_eq(buf, data + 512, 512);
	fx_source_free(src);
}
END_TEST

static int64_t counting_pread(void *payload, void *buf, size_t len,
			      uint64_t offset)
{
	(void)offset;
	(*(unsigned *)payload)++;
	memset(buf, 0, len);
	return (int64_t)len;
}

/* What a source is comes as typed fields of its info (fx_source_info.kind,
 * is_partition), never from its messages: a regular file and a caller's
 * reads. */
START_TEST(test_kind_of_file_and_custom_sources)
{
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, counting_pread,
					   NULL };
	const char *dir = fxt_tmpdir("check_source_kind");
	char path[4200];
	uint8_t data[1024];
	fx_source *src = NULL;
	const fx_source_info *in;
	unsigned reads = 0;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/evidence", dir);
	fxt_fill_pattern(data, sizeof(data), 5);
	ck_assert_int_eq(fxt_write_file(path, data, sizeof(data)), 0);
	ck_assert_int_eq(fx_source_open(&src, path, NULL), 0);
	in = fx_source_get_info(src);
	ck_assert_int_eq(in->kind, FX_SOURCE_FILE);
	ck_assert_int_eq(in->is_block_device, 0);
	ck_assert_int_eq(in->is_partition, 0);
	ck_assert_str_eq(in->path, path);
	ck_assert_str_eq(in->vendor, "");
	fx_source_free(src);

	ck_assert_int_eq(fx_source_new_custom(&src, &ops, &reads, 4096, 512,
					      "counting"), 0);
	in = fx_source_get_info(src);
	ck_assert_int_eq(in->kind, FX_SOURCE_CUSTOM);
	ck_assert_int_eq(in->is_block_device, 0);
	ck_assert_int_eq(in->is_partition, 0);
	ck_assert_str_eq(in->path, "counting");
	ck_assert_str_eq(in->write_block_method, "custom source");
	fx_source_free(src);
}
END_TEST

/* A regular file that ends before its size was changed while it was read:
 * the run fails saying so (the pipeline knows the kind from the source's
 * info, not from its private descriptor); a custom source's short read is
 * retried sector by sector instead. */
START_TEST(test_truncated_file_fails_the_run)
{
	const char *dir = fxt_tmpdir("check_source_trunc");
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	char path[4200], want[4400];
	uint8_t *data = calloc(1, 1 << 20);
	fx_source *src = NULL;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(data);
	snprintf(path, sizeof(path), "%s/evidence", dir);
	ck_assert_int_eq(fxt_write_file(path, data, 1 << 20), 0);
	ck_assert_int_eq(fx_source_open(&src, path, NULL), 0);
	ck_assert_int_eq(truncate(path, 4096), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EIO);
	snprintf(want, sizeof(want), "source %s ended at byte 4096, expected "
		 "1048576 bytes (was it truncated while being read?)", path);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(data);
}
END_TEST

/* acquire gives a source back when nothing was read; a cancel that is
 * already pending when the pipeline starts must not read. */
START_TEST(test_cancel_before_start_reads_nothing)
{
	static const fx_source_ops ops = { FX_SOURCE_OPS_VERSION, counting_pread,
					   NULL };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	volatile sig_atomic_t cancel = 1;
	fx_acquire_result r;
	fx_source *src = NULL;
	unsigned reads = 0;

	ck_assert_int_eq(fx_source_new_custom(&src, &ops, &reads, 1 << 20, 512,
					      "counting"), 0);
	o.cancel = &cancel;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_INTERRUPTED);
	ck_assert_uint_eq(r.bytes, 0);
	ck_assert_uint_eq(reads, 0);
	ck_assert_int_eq(fx_source_get_info(src)->read_started, 0);
	ck_assert_int_eq(fx_source_restore_write_block(src), 0);
	fx_acquire_result_clear(&r);

	cancel = 0;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(reads, 1);
	ck_assert_int_eq(fx_source_get_info(src)->read_started, 1);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
}
END_TEST

/* ---- streams: the framing, the framed-stream reader, standard input ---- */

/* A stream built byte by byte with the codec, as a sender writes it. */
typedef struct sbuild {
	uint8_t *p;
	size_t len, cap;
	uint64_t seq;
} sbuild;

static void sb_put(sbuild *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

#define SB_FACTS "{\"host\":\"sender-1\",\"tool\":\"acquire 9\",\"started\":\"2026-01-02T03:04:05Z\",\"path\":\"/dev/sdz\",\"kind\":\"device\",\"is_block_device\":true,\"physical_sector_size\":4096,\"model\":\"Disk \\u00e9\",\"serial\":\"S1\",\"removable\":false,\"rotational\":null,\"hpa_dco\":\"none\",\"write_block_method\":\"BLKROSET\",\"ro_before\":\"sdz=0\",\"ro_after\":\"sdz=1\"}"

static size_t sb_header(sbuild *b, uint32_t version, uint64_t size, uint32_t block)
{
	fx_stream_header h = { version, 0, size, 512, block, SB_FACTS,
			       (uint32_t)strlen(SB_FACTS) };
	uint8_t buf[4096];
	size_t n = fx_stream_header_encode(buf, sizeof(buf), &h);

	ck_assert_uint_gt(n, 0);
	sb_put(b, buf, n);
	return n;
}

static void sb_frame(sbuild *b, uint32_t type, uint64_t offset, const void *p,
		     size_t n)
{
	uint8_t head[FX_STREAM_FRAME_HEAD];
	fx_frame_head h = { type, (uint32_t)n, b->seq++, offset, 0 };

	fx_frame_head_encode(head, &h, p);
	sb_put(b, head, sizeof(head));
	sb_put(b, p, n);
}

static void sb_data(sbuild *b, const uint8_t *media, size_t len, uint32_t block)
{
	size_t at;

	for (at = 0; at < len; at += block)
		sb_frame(b, FX_FRAME_DATA, at, media + at,
			 len - at < block ? len - at : block);
}

static void sb_trailer(sbuild *b, fx_status status, uint64_t bytes,
		       const fxt_hashes *hh)
{
	uint8_t p[FX_STREAM_TRAILER_FIXED + FX_STREAM_ERROR_MAX];
	fx_stream_trailer t;

	memset(&t, 0, sizeof(t));
	t.status = status;
	t.bytes = bytes;
	t.digests.algs = FX_HASH_ALL;
	memcpy(t.digests.md5, hh->md5, 33);
	memcpy(t.digests.sha1, hh->sha1, 41);
	memcpy(t.digests.sha256, hh->sha256, 65);
	if (status == FX_STATUS_FAILED)
		snprintf(t.error, sizeof(t.error), "source gone");
	sb_frame(b, FX_FRAME_TRAILER, bytes, p, fx_stream_trailer_encode(p, &t));
}

/* The whole good stream of media: header, data frames, trailer. */
static size_t sb_good(sbuild *b, const uint8_t *media, size_t len, uint32_t block)
{
	fxt_hashes hh = fxt_hash_of(media, len);
	size_t head = sb_header(b, FX_STREAM_VERSION, len, block);

	sb_data(b, media, len, block);
	sb_trailer(b, FX_STATUS_COMPLETED, len, &hh);
	return head;
}

/* Writes the stream to a file and opens it as a source (fd kept open in
 * *fd, closed by the caller). */
static int sb_open(fx_source **src, const sbuild *b, const char *tag, int *fd)
{
	const char *dir = fxt_tmpdir(tag);
	char path[4200];

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/stream", dir);
	fxt_write_or_die(path, b->p, b->len);
	*fd = open(path, O_RDONLY);
	ck_assert_int_ge(*fd, 0);
	return fx_source_open_stream(src, *fd, "test stream", NULL, 0);
}

/* Opens and runs the pipeline over the stream, hashing only. */
static void sb_run(fx_acquire_result *r, const sbuild *b, size_t block,
		   const char *tag)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_source *src = NULL;
	int fd;

	ck_assert_int_eq(sb_open(&src, b, tag, &fd), 0);
	ao.block_size = block;
	ck_assert_int_eq(fx_acquire_run(r, src, NULL, &ao), 0);
	fx_source_free(src);
	close(fd);
}

START_TEST(test_stream_codec_round_trip)
{
	uint8_t buf[8192], head[FX_STREAM_FRAME_HEAD], payload[100];
	uint8_t tp[FX_STREAM_TRAILER_FIXED + FX_STREAM_ERROR_MAX];
	fx_stream_header h = { 1, 0, 123456789012ull, 4096, 1u << 20, "{}", 2 }, d;
	fx_frame_head f = { FX_FRAME_DATA, sizeof(payload), 7, 65536, 0 }, g;
	fx_stream_trailer t, u;
	fx_bad_range r[2] = { { 10, 3 }, { 1ull << 40, 1 } }, rr[2];
	size_t n = fx_stream_header_encode(buf, sizeof(buf), &h);

	ck_assert_uint_eq(n, FX_STREAM_HEAD_FIXED + 2 + 4);
	ck_assert_int_eq(memcmp(buf, "FXSTREAM\1\0\0\0", 12), 0);
	ck_assert_int_eq(fx_stream_header_decode(&d, buf, "x"), 0);
	ck_assert_uint_eq(d.size, 123456789012ull);
	ck_assert_uint_eq(d.sector_size, 4096);
	ck_assert_uint_eq(d.block_size, 1u << 20);
	ck_assert_uint_eq(d.json_len, 2);
	ck_assert_int_eq(fx_stream_header_check(buf, &d, "x"), 0);
	/* the CRC ends the header; a JSON too long is not encoded */
	h.json_len = FX_STREAM_JSON_MAX + 1;
	ck_assert_uint_eq(fx_stream_header_encode(buf, sizeof(buf), &h), 0);

	memset(payload, 0xa5, sizeof(payload));
	fx_frame_head_encode(head, &f, payload);
	ck_assert_int_eq(memcmp(head, "DATA", 4), 0);
	fx_frame_head_decode(&g, head);
	ck_assert_uint_eq(g.type, FX_FRAME_DATA);
	ck_assert_uint_eq(g.length, sizeof(payload));
	ck_assert_uint_eq(g.seq, 7);
	ck_assert_uint_eq(g.offset, 65536);
	ck_assert_uint_eq(g.crc, f.crc);
	ck_assert_int_eq(fx_frame_crc_ok(&g, head, payload), 1);
	payload[50] ^= 1; /* one bit of the payload */
	ck_assert_int_eq(fx_frame_crc_ok(&g, head, payload), 0);
	payload[50] ^= 1;
	head[9] ^= 1;     /* one bit of the head (its sequence number) */
	fx_frame_head_decode(&g, head);
	ck_assert_int_eq(fx_frame_crc_ok(&g, head, payload), 0);

	memset(&t, 0, sizeof(t));
	t.status = FX_STATUS_COMPLETED_WITH_ERRORS;
	t.bytes = 4096;
	t.bad_sectors = 4;
	t.digests.algs = FX_HASH_MD5 | FX_HASH_SHA256;
	memcpy(t.digests.md5, "0123456789abcdef0123456789abcdef", 33);
	memset(t.digests.sha256, 'e', 64);
	snprintf(t.error, sizeof(t.error), "why");
	n = fx_stream_trailer_encode(tp, &t);
	ck_assert_uint_eq(n, FX_STREAM_TRAILER_FIXED + 3);
	ck_assert_int_eq(fx_stream_trailer_decode(&u, tp, n, 0, "x"), 0);
	ck_assert_int_eq(u.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(u.bytes, 4096);
	ck_assert_uint_eq(u.bad_sectors, 4);
	ck_assert_uint_eq(u.digests.algs, FX_HASH_MD5 | FX_HASH_SHA256);
	ck_assert_str_eq(u.digests.md5, t.digests.md5);
	ck_assert_str_eq(u.digests.sha1, "");
	ck_assert_str_eq(u.digests.sha256, t.digests.sha256);
	ck_assert_str_eq(u.error, "why");
	tp[30] = 'G'; /* not a hex digit */
	ck_assert_int_eq(fx_stream_trailer_decode(&u, tp, n, 0, "x"), FX_ECORRUPT);
	ck_assert_str_eq(fx_error_last(), "x: the trailer is damaged (status 2)");
	ck_assert_int_eq(fx_stream_trailer_decode(&u, tp, 10, 0, "x"), FX_ECORRUPT);
	ck_assert_str_eq(fx_error_last(), "x: the trailer has 10 bytes, expected 160 to 1184");

	/* with a MAC: after the fixed part, before the error text */
	t.has_mac = 1;
	memset(t.mac, 0x77, sizeof(t.mac));
	n = fx_stream_trailer_encode(tp, &t);
	ck_assert_uint_eq(n, FX_STREAM_TRAILER_FIXED + FX_STREAM_MAC_LEN + 3);
	ck_assert_int_eq(fx_stream_trailer_decode(&u, tp, n, 1, "x"), 0);
	ck_assert_int_eq(memcmp(u.mac, t.mac, sizeof(t.mac)), 0);
	ck_assert_str_eq(u.error, "why");
	ck_assert_int_eq(fx_stream_trailer_decode(&u, tp, FX_STREAM_TRAILER_FIXED, 1, "x"), FX_ECORRUPT);
	ck_assert_str_eq(fx_error_last(), "x: the trailer has 160 bytes, expected 192 to 1216");

	fx_stream_bad_encode(buf, r, 2);
	fx_stream_bad_decode(rr, buf, 2);
	ck_assert_int_eq(memcmp(r, rr, sizeof(r)), 0);
}
END_TEST

/* What the header says decides before anything is believed: the magic,
 * then the version, then the fields, then the CRC. */
START_TEST(test_stream_header_refusals)
{
	sbuild b = { 0 };
	fx_source *src = NULL;
	int fd;

	sb_header(&b, FX_STREAM_VERSION, 4096, 4096);
	b.p[0] = 'X';
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_magic", &fd), FX_ECORRUPT);
	ck_assert_str_eq(fx_error_last(), "test stream is not an acquire stream: it does not begin with \"FXSTREAM\" (was it written by acquire --to-stream?)");
	ck_assert_ptr_null(src);
	close(fd);
	b.len = 0;
	sb_header(&b, 2, 4096, 4096);
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_version", &fd), FX_EVERSION);
	ck_assert_str_eq(fx_error_last(), "test stream is a stream of format version 2, newer than this acquire reads (up to version 1): receive it with an acquire as new as the sender's");
	close(fd);
	b.len = 0;
	sb_header(&b, FX_STREAM_VERSION, 4096, 1000); /* not whole sectors */
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_fields", &fd), FX_ECORRUPT);
	ck_assert_str_eq(fx_error_last(), "test stream: stream header is damaged (flags 0x0, sector size 512, block size 1000, 316 bytes of device facts)");
	close(fd);
	b.len = 0;
	sb_header(&b, FX_STREAM_VERSION, 4096, 4096);
	b.p[FX_STREAM_HEAD_FIXED + 3] ^= 0x20; /* inside the JSON */
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_hcrc", &fd), FX_ECORRUPT);
	ck_assert_str_eq(fx_error_last(), "test stream: stream header (bytes 0 to 355) fails its CRC-32 checksum");
	close(fd);
	b.len = 0;
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_empty", &fd), FX_EIO);
	ck_assert_str_eq(fx_error_last(), "test stream is empty: no stream arrived (0 bytes; see the sender's messages)");
	close(fd);
	sb_header(&b, FX_STREAM_VERSION, 4096, 4096);
	b.len = 20;
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_short", &fd), FX_EIO);
	ck_assert_str_eq(fx_error_last(), "stream from test stream ended after 20 bytes, inside its header: truncated");
	close(fd);
	free(b.p);
}
END_TEST

/* A good stream: the device facts become the source's, the media hash as
 * the sender's trailer says, whatever the two block sizes are. */
START_TEST(test_stream_reads_whole)
{
	uint8_t *media = fxt_make_media();
	fxt_hashes hh = fxt_hash_of(media, FXT_MEDIA_SIZE);
	fx_acquire_result r;
	sbuild b = { 0 };
	fx_source *src = NULL;
	const fx_source_info *in;
	const fx_stream_peer *peer;
	fx_source_account acc;
	int fd;

	sb_good(&b, media, FXT_MEDIA_SIZE, FXT_MIB);
	ck_assert_int_eq(sb_open(&src, &b, "check_stream_whole", &fd), 0);
	in = fx_source_get_info(src);
	ck_assert_int_eq(in->kind, FX_SOURCE_STREAM);
	ck_assert_str_eq(in->path, "sender-1:/dev/sdz");
	ck_assert_uint_eq(in->size, FXT_MEDIA_SIZE);
	ck_assert_uint_eq(in->logical_sector_size, 512);
	ck_assert_uint_eq(in->physical_sector_size, 4096);
	ck_assert_str_eq(in->model, "Disk \xc3\xa9");
	ck_assert_str_eq(in->serial, "S1");
	ck_assert_int_eq(in->is_block_device, 1);
	ck_assert_int_eq(in->is_partition, 0);
	ck_assert_int_eq(in->removable, 0);
	ck_assert_int_eq(in->rotational, FX_UNKNOWN);
	ck_assert_str_eq(in->write_block_method, "BLKROSET, by the sender on sender-1");
	ck_assert_str_eq(in->ro_after, "sdz=1");
	peer = fx_source_stream_peer(src);
	ck_assert_ptr_nonnull(peer);
	ck_assert_str_eq(peer->host, "sender-1");
	ck_assert_str_eq(peer->tool, "acquire 9");
	ck_assert_int_eq(peer->ended, 0);
	ck_assert_int_eq(fx_source_account_get(src, &acc), FX_ENOTFOUND);
	fx_source_free(src);
	close(fd);

	/* frames of 1 MiB read in blocks of 256 KiB, and 64 KiB frames
	 * read in blocks of 1 MiB */
	sb_run(&r, &b, 256u << 10, "check_stream_whole_small");
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(r.bytes, FXT_MEDIA_SIZE);
	ck_assert_str_eq(r.digests.md5, hh.md5);
	ck_assert_str_eq(r.digests.sha256, hh.sha256);
	fx_acquire_result_clear(&r);
	b.len = 0;
	b.seq = 0;
	sb_good(&b, media, FXT_MEDIA_SIZE, 64u << 10);
	sb_run(&r, &b, FXT_MIB, "check_stream_whole_big");
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_str_eq(r.digests.sha1, hh.sha1);
	fx_acquire_result_clear(&r);
	free(b.p);
	free(media);
}
END_TEST

/* Each kind of damage fails the run, naming where, and the run's bytes
 * are exactly those before the damage. */
START_TEST(test_stream_damage_named)
{
	uint8_t *media = fxt_make_media();
	fxt_hashes hh = fxt_hash_of(media, FXT_MEDIA_SIZE), other = hh;
	fx_acquire_result r;
	sbuild b = { 0 };
	size_t head, frame = FX_STREAM_FRAME_HEAD + FXT_MIB;
	char want[512];

	/* one flipped byte in frame 2's payload */
	head = sb_good(&b, media, FXT_MEDIA_SIZE, FXT_MIB);
	b.p[head + 2 * frame + FX_STREAM_FRAME_HEAD + 1000] ^= 0x01;
	sb_run(&r, &b, FXT_MIB, "check_stream_flip");
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	ck_assert_uint_eq(r.bytes, 2 * FXT_MIB);
	snprintf(want, sizeof(want), "frame 2 of the stream from test stream (media offset 2097152, stream byte %zu) fails its CRC-32 checksum: the stream was changed on its way",
		 head + 2 * frame);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);

	/* cut inside frame 3 */
	b.p[head + 2 * frame + FX_STREAM_FRAME_HEAD + 1000] ^= 0x01;
	b.len = head + 3 * frame + 100;
	sb_run(&r, &b, FXT_MIB, "check_stream_cut");
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EIO);
	ck_assert_uint_eq(r.bytes, 3 * FXT_MIB);
	snprintf(want, sizeof(want), "stream from test stream ended after %zu bytes, inside frame 3 (68 of its 1048576 payload bytes): truncated, the sender's trailer never came (3 frames and 3145728 media bytes arrived whole)",
		 b.len);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);

	/* frame 1 lost: frame 2 arrives in its place */
	b.len = 0;
	b.seq = 0;
	sb_header(&b, FX_STREAM_VERSION, FXT_MEDIA_SIZE, FXT_MIB);
	sb_frame(&b, FX_FRAME_DATA, 0, media, FXT_MIB);
	b.seq++;
	sb_frame(&b, FX_FRAME_DATA, 2 * FXT_MIB, media + 2 * FXT_MIB, FXT_MIB);
	sb_run(&r, &b, FXT_MIB, "check_stream_lost");
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	snprintf(want, sizeof(want), "frame 1 of the stream from test stream (media offset 1048576, stream byte %zu) arrived numbered 2: a frame was lost, repeated or reordered",
		 head + frame);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);

	/* every frame checks, but the sender read something else */
	b.len = 0;
	b.seq = 0;
	sb_header(&b, FX_STREAM_VERSION, FXT_MEDIA_SIZE, FXT_MIB);
	sb_data(&b, media, FXT_MEDIA_SIZE, FXT_MIB);
	other.md5[0] = other.md5[0] == '0' ? '1' : '0';
	sb_trailer(&b, FX_STATUS_COMPLETED, FXT_MEDIA_SIZE, &other);
	sb_run(&r, &b, FXT_MIB, "check_stream_digest");
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	ck_assert_uint_eq(r.bytes, FXT_MEDIA_SIZE);
	snprintf(want, sizeof(want), "what arrived from sender-1:/dev/sdz does not hash to what the sender read: md5 %s arrived, the sender read %s (every frame passed its checksum)",
		 hh.md5, other.md5);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);

	/* no algorithm in common: nothing proves the media whole */
	{
		fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
		fx_source *src = NULL;
		int fd;

		ao.hash_algs = FX_HASH_SHA1;
		b.len = 0;
		b.seq = 0;
		sb_header(&b, FX_STREAM_VERSION, FXT_MEDIA_SIZE, FXT_MIB);
		sb_data(&b, media, FXT_MEDIA_SIZE, FXT_MIB);
		sb_trailer(&b, FX_STATUS_COMPLETED, FXT_MEDIA_SIZE, &hh);
		/* the sender hashed MD5 only */
		b.p[b.len - FX_STREAM_TRAILER_FIXED + 4] = FX_HASH_MD5;
		memset(b.p + b.len - FX_STREAM_TRAILER_FIXED + 56, 0, 104);
		fx_frame_head_encode(b.p + b.len - FX_STREAM_TRAILER_FIXED - FX_STREAM_FRAME_HEAD,
				     &(fx_frame_head){ FX_FRAME_TRAILER, FX_STREAM_TRAILER_FIXED,
						       b.seq - 1, FXT_MEDIA_SIZE, 0 },
				     b.p + b.len - FX_STREAM_TRAILER_FIXED);
		ck_assert_int_eq(sb_open(&src, &b, "check_stream_nohash", &fd), 0);
		ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &ao), 0);
		ck_assert_int_eq(r.status, FX_STATUS_FAILED);
		ck_assert_int_eq(r.error_code, FX_ERROR);
		ck_assert_str_eq(r.error, "what arrived from sender-1:/dev/sdz cannot be compared with what the sender read: it hashed md5, this run sha1 (give --hash with one of the sender's)");
		fx_acquire_result_clear(&r);
		fx_source_free(src);
		close(fd);
	}

	/* the sender's run failed: its trailer says so */
	b.len = 0;
	b.seq = 0;
	sb_header(&b, FX_STREAM_VERSION, FXT_MEDIA_SIZE, FXT_MIB);
	sb_data(&b, media, FXT_MIB, FXT_MIB);
	sb_trailer(&b, FX_STATUS_FAILED, FXT_MIB, &hh);
	sb_run(&r, &b, FXT_MIB, "check_stream_sender_failed");
	ck_assert_int_eq(r.error_code, FX_EIO);
	ck_assert_uint_eq(r.bytes, FXT_MIB);
	ck_assert_str_eq(r.error, "the sender's acquisition of /dev/sdz on sender-1 did not complete: 1048576 bytes sent; source gone");
	fx_acquire_result_clear(&r);

	/* a frame of no known type, even empty: a damaged head */
	b.len = 0;
	b.seq = 0;
	head = sb_header(&b, FX_STREAM_VERSION, FXT_MEDIA_SIZE, FXT_MIB);
	sb_frame(&b, 0x4b4e554au /* "JUNK" */, 0, media, 0);
	sb_run(&r, &b, FXT_MIB, "check_stream_unknown");
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	ck_assert_uint_eq(r.bytes, 0);
	snprintf(want, sizeof(want), "frame 0 of the stream from test stream (media offset 0, stream byte %zu) has a damaged head (an unknown type, or a length its type cannot have)",
		 head);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);

	/* bytes after the trailer */
	b.len = 0;
	b.seq = 0;
	sb_good(&b, media, FXT_MEDIA_SIZE, FXT_MIB);
	sb_put(&b, "x", 1);
	sb_run(&r, &b, FXT_MIB, "check_stream_after");
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	snprintf(want, sizeof(want), "stream from test stream goes on after its trailer (stream byte %zu): not what the sender wrote",
		 b.len - 1);
	ck_assert_str_eq(r.error, want);
	fx_acquire_result_clear(&r);
	free(b.p);
	free(media);
}
END_TEST

/* The sender's unreadable ranges (zeros in its data) become the run's. */
START_TEST(test_stream_unreadable_ranges)
{
	uint8_t *media = fxt_make_media(), p[32];
	fxt_hashes hh;
	fx_bad_range bad[2] = { { 8, 2 }, { 100, 1 } };
	fx_acquire_result r;
	sbuild b = { 0 };

	memset(media + 8 * 512, 0, 2 * 512);
	memset(media + 100 * 512, 0, 512);
	hh = fxt_hash_of(media, FXT_MEDIA_SIZE);
	sb_header(&b, FX_STREAM_VERSION, FXT_MEDIA_SIZE, FXT_MIB);
	sb_data(&b, media, FXT_MEDIA_SIZE, FXT_MIB);
	fx_stream_bad_encode(p, bad, 2);
	sb_frame(&b, FX_FRAME_BAD, 0, p, sizeof(p));
	sb_trailer(&b, FX_STATUS_COMPLETED_WITH_ERRORS, FXT_MEDIA_SIZE, &hh);
	sb_run(&r, &b, FXT_MIB, "check_stream_bad");
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.nbad, 2);
	ck_assert_uint_eq(r.bad[0].first, 8);
	ck_assert_uint_eq(r.bad[0].count, 2);
	ck_assert_uint_eq(r.bad[1].first, 100);
	ck_assert_uint_eq(r.bad[1].count, 1);
	ck_assert_uint_eq(r.bad_sectors, 3);
	ck_assert_str_eq(r.digests.sha256, hh.sha256);
	fx_acquire_result_clear(&r);
	free(b.p);
	free(media);
}
END_TEST

/* Standard input (a pipe): its size is what arrived, or exactly --size. */
static void pipe_run(fx_acquire_result *r, const uint8_t *data, size_t len,
		     uint64_t size)
{
	fx_acquire_options ao = FX_ACQUIRE_OPTIONS_INIT;
	fx_source *src = NULL;
	const char *dir = fxt_tmpdir("check_pipe");
	char path[4200];
	int fd;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/in", dir);
	fxt_write_or_die(path, data, len);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fx_source_open_pipe(&src, fd, size, "standard input"), 0);
	ck_assert_int_eq(fx_source_get_info(src)->kind, FX_SOURCE_STREAM);
	ck_assert_str_eq(fx_source_get_info(src)->write_block_method,
			 "none: a stream, not a device (standard input)");
	ck_assert_ptr_null(fx_source_stream_peer(src));
	ao.block_size = 64u << 10;
	ck_assert_int_eq(fx_acquire_run(r, src, NULL, &ao), 0);
	fx_source_free(src);
	close(fd);
}

START_TEST(test_pipe_source_sizes)
{
	uint8_t *media = fxt_make_media();
	size_t len = 1000003; /* not whole sectors, not whole blocks */
	fxt_hashes hh = fxt_hash_of(media, len);
	fx_acquire_result r;

	pipe_run(&r, media, len, 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(r.size, len);
	ck_assert_uint_eq(r.bytes, len);
	ck_assert_str_eq(r.digests.md5, hh.md5);
	fx_acquire_result_clear(&r);
	pipe_run(&r, media, len, len);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_str_eq(r.digests.sha256, hh.sha256);
	fx_acquire_result_clear(&r);
	pipe_run(&r, media, len, len + 1);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_uint_eq(r.bytes, len);
	ck_assert_str_eq(r.error, "source standard input ended at byte 1000003, 1000004 bytes expected");
	fx_acquire_result_clear(&r);
	pipe_run(&r, media, len, len - 3);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_uint_eq(r.bytes, len - 3);
	ck_assert_str_eq(r.error, "source standard input holds more than the 1000000 bytes expected: byte 1000000 arrived");
	fx_acquire_result_clear(&r);
	pipe_run(&r, media, 0, 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_str_eq(r.error, "source standard input ended before its first byte: nothing arrived");
	fx_acquire_result_clear(&r);
	free(media);
}
END_TEST

static Suite *source_suite(void)
{
	Suite *s = suite_create("source");
	TCase *dev = tcase_create("write-block");
	TCase *any = tcase_create("read_started");
	TCase *stream = tcase_create("stream");

	tcase_add_unchecked_fixture(dev, loop_setup, loop_teardown);
	tcase_add_test(dev, test_restore_clears_the_flag_it_set);
	tcase_add_test(dev, test_restore_keeps_a_flag_found_set);
	tcase_add_test(dev, test_free_leaves_the_flag_set);
	tcase_add_test(dev, test_no_write_block_has_nothing_to_restore);
	tcase_add_test(dev, test_loop_device_is_a_disk);
	tcase_add_test(any, test_regular_file_read_started);
	tcase_add_test(any, test_cancel_before_start_reads_nothing);
	tcase_add_test(any, test_kind_of_file_and_custom_sources);
	tcase_add_test(any, test_truncated_file_fails_the_run);
	tcase_add_test(stream, test_stream_codec_round_trip);
	tcase_add_test(stream, test_stream_header_refusals);
	tcase_add_test(stream, test_stream_reads_whole);
	tcase_add_test(stream, test_stream_damage_named);
	tcase_add_test(stream, test_stream_unreadable_ranges);
	tcase_add_test(stream, test_pipe_source_sizes);
	suite_add_tcase(s, dev);
	suite_add_tcase(s, any);
	suite_add_tcase(s, stream);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(source_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
