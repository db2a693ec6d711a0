/*
 * Unit tests of the acquisition pipeline (src/acquire) through the public
 * API: known-answer hashes, fault injection through a custom source (exact
 * bad sector list, zeros exactly there, everything else bit-exact),
 * retries, vanished and dying devices, cancel, a failing sink, hash
 * windows, several destinations (copies) with fault-injecting sinks, the
 * run turned into its case database record, the option checks, what the
 * progress callback is given, and the names of the pipeline's threads (and of the E01 writer's
 * and reader's, which it drives).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "forensic/forensic.h"
#include "testutil.h"

/* A memory source that can fail chosen sectors. */
typedef struct mem_source {
	const uint8_t *data;
	uint64_t size;
	uint32_t ssz;
	uint64_t bad[16];        /* sectors that always fail */
	size_t nbad;
	uint64_t flaky;          /* sector failing its first flaky_fails reads */
	unsigned flaky_fails, flaky_seen;
	uint64_t gone_at;        /* byte offset from which reads give ENODEV */
	unsigned reads;
	uint64_t dead_from;      /* touching this offset kills the device: EIO */
	int dead;
	uint64_t eio_first, eio_end; /* sectors [first, end) always fail */
} mem_source;

static int sector_bad(const mem_source *m, uint64_t first, uint64_t n)
{
	size_t i;

	for (i = 0; i < m->nbad; i++)
		if (m->bad[i] >= first && m->bad[i] < first + n)
			return 1;
	return 0;
}

static int64_t mem_pread(void *payload, void *buf, size_t len, uint64_t off)
{
	mem_source *m = payload;
	uint64_t first = off / m->ssz, n = (len + m->ssz - 1) / m->ssz;

	m->reads++;
	if (m->gone_at && off + len > m->gone_at)
		return -ENODEV;
	if (m->dead_from && off + len > m->dead_from)
		m->dead = 1;
	if (m->dead || (first < m->eio_end && first + n > m->eio_first))
		return -EIO;
	if (sector_bad(m, first, n))
		return -EIO;
	if (m->flaky_fails && m->flaky >= first && m->flaky < first + n &&
	    m->flaky_seen++ < m->flaky_fails)
		return -EIO;
	if (off >= m->size)
		return 0;
	if (len > m->size - off)
		len = (size_t)(m->size - off);
	memcpy(buf, m->data + off, len);
	return (int64_t)len;
}

static const fx_source_ops mem_ops = { FX_SOURCE_OPS_VERSION, mem_pread, NULL };

static fx_source *mem_open(mem_source *m)
{
	fx_source *src = NULL;

	ck_assert_int_eq(fx_source_new_custom(&src, &mem_ops, m, m->size,
					      m->ssz, "mem"), 0);
	return src;
}

START_TEST(test_known_answer_abc)
{
	mem_source m = { (const uint8_t *)"abc", 3, 1, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;

	o.block_size = 1;
	src = mem_open(&m);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(r.bytes, 3);
	ck_assert_str_eq(r.digests.md5, "900150983cd24fb0d6963f7d28e17f72");
	ck_assert_str_eq(r.digests.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_str_eq(r.digests.sha256,
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	fx_acquire_result_clear(&r);
	fx_source_free(src);
}
END_TEST

START_TEST(test_known_answer_empty_and_million_a)
{
	static uint8_t a[1000000];
	mem_source m = { a, 0, 1, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;

	src = mem_open(&m);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_str_eq(r.digests.md5, "d41d8cd98f00b204e9800998ecf8427e");
	ck_assert_str_eq(r.digests.sha256,
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	fx_acquire_result_clear(&r);
	fx_source_free(src);

	memset(a, 'a', sizeof(a));
	m.size = sizeof(a);
	o.block_size = 4096; /* 1000000 is not a multiple: short last block */
	src = mem_open(&m);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_str_eq(r.digests.md5, "7707d6ae4e027c70eea2a935c2296f21");
	ck_assert_str_eq(r.digests.sha1, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	ck_assert_str_eq(r.digests.sha256,
			 "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	fx_acquire_result_clear(&r);
	fx_source_free(src);
}
END_TEST

START_TEST(test_hash_subset)
{
	mem_source m = { (const uint8_t *)"abc", 3, 1, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);

	o.block_size = 1;
	o.hash_algs = FX_HASH_SHA1;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_str_eq(r.digests.md5, "");
	ck_assert_str_eq(r.digests.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
	ck_assert_str_eq(r.digests.sha256, "");
	fx_acquire_result_clear(&r);
	fx_source_free(src);
}
END_TEST

/* A writer sink into memory, optionally failing after limit bytes. */
typedef struct mem_sink {
	uint8_t *data;
	size_t len, limit;
	int finished, complete;
	uint64_t told_bytes;     /* what finish was told */
	int told_digests;
	size_t told_nbad;
	int fail_finish;         /* finish returns FX_EIO */
} mem_sink;

static int mem_write(void *payload, const uint8_t *data, size_t len)
{
	mem_sink *s = payload;

	if (s->limit && s->len + len > s->limit)
		return FX_ENOSPC;
	memcpy(s->data + s->len, data, len);
	s->len += len;
	return 0;
}

static int mem_finish(void *payload, const fx_sink_summary *sum)
{
	mem_sink *s = payload;

	s->finished = 1;
	s->complete = sum->complete;
	s->told_bytes = sum->bytes;
	s->told_digests = sum->digests != NULL;
	s->told_nbad = sum->nbad;
	if (s->fail_finish)
		return FX_EIO;
	return 0;
}

static const fx_sink_ops mem_sink_ops = { FX_SINK_OPS_VERSION, mem_write,
					  mem_finish, NULL, NULL, NULL, NULL };

#define DISK_SECTORS 8192u
#define SSZ 512u

/* ---- checkpoints and resume ---- */

static int syncs;

static int sync_sink(void *payload)
{
	(void)payload;
	syncs++;
	return 0;
}

static const fx_sink_ops sync_sink_ops = { FX_SINK_OPS_VERSION, mem_write,
					   mem_finish, NULL, NULL, NULL, sync_sink };

typedef struct cp_log {
	const uint8_t *media;
	unsigned n, wrong;
	uint64_t last;
	size_t nbad_last;
} cp_log;

/* Each checkpoint's digests against OpenSSL's of the media's prefix. */
static int record_cp(const fx_acquire_checkpoint *cp, void *payload)
{
	cp_log *l = payload;
	fxt_hashes h = fxt_hash_of(l->media, (size_t)cp->offset);

	if (strcmp(h.md5, cp->digests.md5) || strcmp(h.sha1, cp->digests.sha1) ||
	    strcmp(h.sha256, cp->digests.sha256) || cp->offset <= l->last ||
	    cp->offset % (64 * 1024))
		l->wrong++;
	l->last = cp->offset;
	l->nbad_last = cp->nbad;
	l->n++;
	return 0;
}

/* Every checkpoint's prefix digests are those of exactly the bytes
 * before it, at a block boundary, with the sink synced first; the last
 * block never gets one; the bad ranges below it are cut at it. */
START_TEST(test_checkpoints_exact)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ);
	mem_source m = { disk, (uint64_t)DISK_SECTORS * SSZ, SSZ, { 300 }, 1,
			 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(DISK_SECTORS * SSZ), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	cp_log l = { NULL, 0, 0, 0, 0 };
	fx_acquire_result r;
	fx_source *src;
	fx_sink *sink;

	fxt_fill_pattern(disk, DISK_SECTORS * SSZ, 7);
	o.block_size = 64 * 1024;
	o.retries = 0;
	o.checkpoint_bytes = 256 * 1024;
	o.checkpoint = record_cp;
	o.checkpoint_payload = &l;
	src = mem_open(&m);
	memset(disk + 300 * SSZ, 0, SSZ); /* what the image holds there */
	l.media = disk;
	syncs = 0;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &sync_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_gt(l.n, 0);
	ck_assert_uint_eq(l.wrong, 0);
	ck_assert_uint_lt(l.last, (uint64_t)DISK_SECTORS * SSZ);
	ck_assert_uint_eq(l.nbad_last, 1);
	ck_assert_int_ge(syncs, (int)l.n);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
	free(s.data);
}
END_TEST

/* A resume re-reads the prefix from its own source (the image), hands the
 * sink only the rest, and ends with the hashes of the whole media and the
 * recorded bad ranges first. */
START_TEST(test_resume_rebuilds_hashes)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ);
	const uint64_t size = (uint64_t)DISK_SECTORS * SSZ, at = 1 << 20;
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_source img = { disk, at, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(size), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_bad_range bad = { 10, 2 };
	fxt_hashes whole, prefix;
	fx_digests want;
	fx_acquire_result r;
	fx_source *src, *pre;
	fx_sink *sink;

	fxt_fill_pattern(disk, size, 9);
	whole = fxt_hash_of(disk, size);
	prefix = fxt_hash_of(disk, at);
	memset(&want, 0, sizeof(want));
	strcpy(want.md5, prefix.md5);
	strcpy(want.sha1, prefix.sha1);
	strcpy(want.sha256, prefix.sha256);
	o.block_size = 128 * 1024;
	o.resume_offset = at;
	o.resume_digests = &want;
	o.resume_bad = &bad;
	o.resume_nbad = 1;
	src = mem_open(&m);
	pre = mem_open(&img);
	o.resume_prefix = pre;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.bytes, size);
	ck_assert_str_eq(r.digests.md5, whole.md5);
	ck_assert_str_eq(r.digests.sha1, whole.sha1);
	ck_assert_str_eq(r.digests.sha256, whole.sha256);
	ck_assert_uint_eq(s.len, size - at);
	ck_assert_int_eq(memcmp(s.data, disk + at, (size_t)(size - at)), 0);
	ck_assert_uint_eq(r.nbad, 1);
	ck_assert_uint_eq(r.bad[0].first, 10);
	ck_assert_uint_eq(r.bad_sectors, 2);
	/* the source was read from the checkpoint on only */
	ck_assert_uint_eq(m.reads, (unsigned)((size - at) / (128 * 1024)));
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	fx_source_free(pre);
	free(disk);
	free(s.data);
}
END_TEST

/* A version 1 caller's options end before the resume fields: whatever
 * lies past them is not read (a fresh run, the sink given every byte). */
START_TEST(test_options_v1_no_resume)
{
	uint8_t *disk = malloc(1024 * SSZ);
	mem_source m = { disk, 1024 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(1024 * SSZ), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;
	fx_sink *sink;

	fxt_fill_pattern(disk, 1024 * SSZ, 3);
	o.version = 1;
	o.block_size = 64 * 1024;
	o.resume_offset = 4096; /* past a version 1 struct: ignored */
	src = mem_open(&m);
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(s.len, 1024 * SSZ);
	ck_assert_int_eq(memcmp(s.data, disk, 1024 * SSZ), 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
	free(s.data);
}
END_TEST

/* A prefix that does not hash to the checkpoint: failed, FX_EMISMATCH,
 * the message exact, nothing handed to the sink, the source unread. */
START_TEST(test_resume_prefix_mismatch)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ);
	const uint64_t size = (uint64_t)DISK_SECTORS * SSZ, at = 1 << 20;
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_source img = { disk, at, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(size), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fxt_hashes prefix;
	fx_digests want;
	fx_acquire_result r;
	fx_source *src, *pre;
	fx_sink *sink;
	char msg[512];

	fxt_fill_pattern(disk, size, 9);
	prefix = fxt_hash_of(disk, at);
	memset(&want, 0, sizeof(want));
	strcpy(want.md5, "00000000000000000000000000000000");
	strcpy(want.sha1, prefix.sha1);
	strcpy(want.sha256, prefix.sha256);
	o.resume_offset = at;
	o.resume_digests = &want;
	src = mem_open(&m);
	pre = mem_open(&img);
	o.resume_prefix = pre;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EMISMATCH);
	snprintf(msg, sizeof(msg), "the image's first 1048576 bytes, re-read from storage, have md5 %s, but the checkpoint recorded 00000000000000000000000000000000: the image is not what was recorded; nothing was appended",
		 prefix.md5);
	ck_assert_str_eq(r.error, msg);
	ck_assert_uint_eq(s.len, 0);
	ck_assert_uint_eq(m.reads, 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	fx_source_free(pre);
	free(disk);
	free(s.data);
}
END_TEST

/* A resume's progress: the prefix's re-read first, flagged resuming, of
 * the checkpoint's bytes (its last report at the checkpoint), then the
 * source's reading from the checkpoint, of the source's size. */
typedef struct phase_seen {
	unsigned resuming, reading, order_wrong;
	uint64_t last_resuming, first_reading, total_resuming, total_reading;
} phase_seen;

static void see_phases(const fx_progress *p, void *payload)
{
	phase_seen *ps = payload;

	if (p->resuming) {
		ps->order_wrong |= ps->reading != 0;
		ps->resuming++;
		ps->last_resuming = p->bytes_done;
		ps->total_resuming = p->bytes_total;
	} else {
		if (!ps->reading++)
			ps->first_reading = p->bytes_done;
		ps->total_reading = p->bytes_total;
	}
}

START_TEST(test_resume_progress_phases)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ);
	const uint64_t size = (uint64_t)DISK_SECTORS * SSZ, at = 1 << 20;
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_source img = { disk, at, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(size), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fxt_hashes prefix;
	fx_digests want;
	phase_seen ps;
	fx_acquire_result r;
	fx_source *src, *pre;
	fx_sink *sink;

	memset(&ps, 0, sizeof(ps));
	fxt_fill_pattern(disk, size, 9);
	prefix = fxt_hash_of(disk, at);
	memset(&want, 0, sizeof(want));
	strcpy(want.md5, prefix.md5);
	strcpy(want.sha1, prefix.sha1);
	strcpy(want.sha256, prefix.sha256);
	o.block_size = 128 * 1024;
	o.progress = see_phases;
	o.progress_payload = &ps;
	o.progress_interval_ms = 0;
	o.resume_offset = at;
	o.resume_digests = &want;
	src = mem_open(&m);
	pre = mem_open(&img);
	o.resume_prefix = pre;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_gt(ps.resuming, 1);
	ck_assert_uint_gt(ps.reading, 0);
	ck_assert_uint_eq(ps.order_wrong, 0);
	ck_assert_uint_eq(ps.last_resuming, at);
	ck_assert_uint_eq(ps.total_resuming, at);
	ck_assert_uint_eq(ps.first_reading, at);
	ck_assert_uint_eq(ps.total_reading, size);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	fx_source_free(pre);
	free(disk);
	free(s.data);
}
END_TEST

/* A run with copies takes no checkpoint (a resume would reopen one image
 * only), and a resume with copies is refused. */
START_TEST(test_copies_no_checkpoints)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ);
	const uint64_t size = (uint64_t)DISK_SECTORS * SSZ;
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(size), 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink c = { malloc(size), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	cp_log l = { NULL, 0, 0, 0, 0 };
	fx_digests want;
	fx_acquire_result r;
	fx_source *src;
	fx_sink *sink, *copy;

	fxt_fill_pattern(disk, size, 5);
	o.block_size = 64 * 1024;
	o.checkpoint_bytes = 256 * 1024;
	o.checkpoint = record_cp;
	o.checkpoint_payload = &l;
	l.media = disk;
	src = mem_open(&m);
	syncs = 0;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &sync_sink_ops, &s), 0);
	ck_assert_int_eq(fx_sink_new_custom(&copy, &sync_sink_ops, &c), 0);
	o.copies = &copy;
	o.ncopies = 1;
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(l.n, 0);
	ck_assert_int_eq(syncs, 0);
	fx_acquire_result_clear(&r);
	memset(&want, 0, sizeof(want));
	o.resume_offset = 1 << 20;
	o.resume_digests = &want;
	o.resume_prefix = src;
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_acquire_run: a resume reopens one image: it cannot write copies");
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_sink_free(copy);
	fx_source_free(src);
	free(disk);
	free(s.data);
	free(c.data);
}
END_TEST

START_TEST(test_bad_sectors_exact)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ), *expect = malloc(DISK_SECTORS * SSZ);
	mem_source m = { disk, (uint64_t)DISK_SECTORS * SSZ, SSZ,
			 { 5, 6, 7, 2048, 4095, 4096, 8191 }, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(DISK_SECTORS * SSZ), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;
	fx_sink *sink;
	char hex[65];
	size_t i;

	fxt_fill_pattern(disk, DISK_SECTORS * SSZ, 42);
	memcpy(expect, disk, DISK_SECTORS * SSZ);
	for (i = 0; i < m.nbad; i++)
		memset(expect + m.bad[i] * SSZ, 0, SSZ);
	o.block_size = 64 * 1024;
	o.retries = 3;
	src = mem_open(&m);
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.bytes, (uint64_t)DISK_SECTORS * SSZ);
	ck_assert_uint_eq(r.nbad, 4);
	ck_assert_uint_eq(r.bad_sectors, 7);
	ck_assert_uint_eq(r.bad[0].first, 5);
	ck_assert_uint_eq(r.bad[0].count, 3);
	ck_assert_uint_eq(r.bad[1].first, 2048);
	ck_assert_uint_eq(r.bad[1].count, 1);
	/* 4095 and 4096 straddle two read blocks: merged into one range */
	ck_assert_uint_eq(r.bad[2].first, 4095);
	ck_assert_uint_eq(r.bad[2].count, 2);
	ck_assert_uint_eq(r.bad[3].first, 8191);
	ck_assert_uint_eq(r.bad[3].count, 1);
	ck_assert_uint_eq(s.len, DISK_SECTORS * SSZ);
	ck_assert_int_eq(memcmp(s.data, expect, DISK_SECTORS * SSZ), 0);
	fxt_sha256_hex(hex, expect, DISK_SECTORS * SSZ);
	ck_assert_str_eq(r.digests.sha256, hex);
	ck_assert_int_eq(s.finished, 1);
	ck_assert_int_eq(s.complete, 1);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
	free(expect);
	free(s.data);
}
END_TEST

START_TEST(test_flaky_sector_recovered_by_retry)
{
	uint8_t *disk = malloc(1024 * SSZ);
	mem_source m = { disk, 1024 * SSZ, SSZ, { 0 }, 0, 700, 2, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(1024 * SSZ), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;
	fx_sink *sink;

	fxt_fill_pattern(disk, 1024 * SSZ, 7);
	o.retries = 2; /* block read fails, first sector read fails, retry works */
	src = mem_open(&m);
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(r.nbad, 0);
	ck_assert_int_eq(memcmp(s.data, disk, 1024 * SSZ), 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
	free(s.data);
}
END_TEST

START_TEST(test_retries_exhausted)
{
	uint8_t *disk = calloc(1024, SSZ);
	mem_source m = { disk, 1024 * SSZ, SSZ, { 0 }, 0, 700, 3, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);

	o.retries = 1; /* the block read and both sector attempts fail */
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.nbad, 1);
	ck_assert_uint_eq(r.bad[0].first, 700);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

START_TEST(test_device_vanishes)
{
	uint8_t *disk = calloc(4096, SSZ);
	mem_source m = { disk, 4096 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 1 << 20, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(4096 * SSZ), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	fx_sink *sink;

	o.block_size = 256 * 1024;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EGONE);
	ck_assert_uint_eq(r.bytes, 1 << 20);
	ck_assert_uint_eq(s.len, 1 << 20);
	ck_assert_ptr_nonnull(strstr(r.error, "source mem vanished at byte 1048576"));
	ck_assert_int_eq(s.complete, 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
	free(s.data);
}
END_TEST

START_TEST(test_cancel_stops_at_block_boundary)
{
	uint8_t *disk = calloc(4096, SSZ);
	mem_source m = { disk, 4096 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	volatile sig_atomic_t cancel = 1;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);

	o.cancel = &cancel;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_INTERRUPTED);
	ck_assert_int_eq(r.error_code, FX_EINTR);
	ck_assert_uint_eq(r.bytes, 0);
	ck_assert_str_eq(r.digests.md5, "d41d8cd98f00b204e9800998ecf8427e");
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

START_TEST(test_sink_failure_is_recorded)
{
	uint8_t *disk = calloc(4096, SSZ);
	mem_source m = { disk, 4096 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(4096 * SSZ), 0, 3 << 19, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	fx_sink *sink;
	char hex[65];

	fxt_fill_pattern(disk, 4096 * SSZ, 11);
	o.block_size = 512 * 1024;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_ENOSPC);
	ck_assert_uint_eq(s.len, 3 << 19);
	/* the run reports exactly what reached the sink, hashed exactly */
	ck_assert_uint_eq(r.bytes, 3 << 19);
	fxt_sha256_hex(hex, disk, 3 << 19);
	ck_assert_str_eq(r.digests.sha256, hex);
	/* a failed sink is still finished (to close its files), as incomplete */
	ck_assert_int_eq(s.finished, 1);
	ck_assert_int_eq(s.complete, 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
	free(s.data);
}
END_TEST

START_TEST(test_hash_windows)
{
	uint8_t *disk = malloc(2500 * SSZ);
	mem_source m = { disk, 2500 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	char hex[65];

	fxt_fill_pattern(disk, 2500 * SSZ, 3);
	o.block_size = 3 * 65536;           /* windows straddle blocks */
	o.hash_window = 1000 * SSZ;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_uint_eq(r.nwindows, 3);
	ck_assert_uint_eq(r.windows[1].offset, 1000 * SSZ);
	ck_assert_uint_eq(r.windows[1].length, 1000 * SSZ);
	ck_assert_uint_eq(r.windows[2].offset, 2000 * SSZ);
	ck_assert_uint_eq(r.windows[2].length, 500 * SSZ);
	fxt_sha256_hex(hex, disk + 1000 * SSZ, 1000 * SSZ);
	ck_assert_str_eq(r.windows[1].sha256, hex);
	fxt_sha256_hex(hex, disk + 2000 * SSZ, 500 * SSZ);
	ck_assert_str_eq(r.windows[2].sha256, hex);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

/* The library turns a run into its case database record itself: the
 * same types, the run's arrays borrowed, nothing copied by the caller. A
 * completed run has no error; a failed one keeps its code and message. */
START_TEST(test_result_to_record)
{
	uint8_t *disk = calloc(2048, SSZ);
	mem_source m = { disk, 2048 * SSZ, SSZ, { 100, 101 }, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_casedb_result rec;
	fx_source *src = mem_open(&m);

	o.block_size = 65536;
	o.hash_window = 1024 * SSZ;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_ptr_null(r.error);
	ck_assert_int_eq(r.error_code, 0);
	fx_casedb_result_from_run(&rec, &r);
	ck_assert_uint_eq(rec.version, FX_CASEDB_RESULT_VERSION);
	ck_assert_int_eq(rec.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(rec.bytes, 2048 * SSZ);
	ck_assert_uint_eq(rec.sector_size, SSZ);
	ck_assert_ptr_eq(rec.bad, r.bad);
	ck_assert_uint_eq(rec.n_bad, 1);
	ck_assert_uint_eq(rec.bad[0].first, 100);
	ck_assert_uint_eq(rec.bad[0].count, 2);
	ck_assert_str_eq(rec.hashes.sha256, r.digests.sha256);
	ck_assert_str_eq(rec.hashes.md5, r.digests.md5);
	ck_assert_ptr_eq(rec.windows, r.windows);
	ck_assert_uint_eq(rec.n_windows, 2);
	ck_assert_ptr_null(rec.files);
	ck_assert_ptr_null(rec.end_utc);
	ck_assert_ptr_null(rec.error);
	fx_acquire_result_clear(&r);

	m.gone_at = 1024 * SSZ;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EGONE);
	fx_casedb_result_from_run(&rec, &r);
	ck_assert_int_eq(rec.status, FX_STATUS_FAILED);
	ck_assert_ptr_eq(rec.error, r.error);
	ck_assert_str_eq(rec.error, "source mem vanished at byte 524288: No such device");
	fx_acquire_result_clear(&r);
	ck_assert_ptr_null(r.error);
	fx_source_free(src);
	free(disk);
}
END_TEST

START_TEST(test_options_rejected)
{
	mem_source m = { (const uint8_t *)"abc", 3, 512, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);

	/* the messages name the option as the tools spell it (was "block
	 * size 1000 is not a multiple ...": the rules now live in
	 * fx_acquire_options_check, shared with acquire's argument check) */
	o.block_size = 1000;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--block-size 1000 is not a multiple of the source's 512-byte logical sector size");
	o.block_size = 4096;
	o.hash_window = 100;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--hash-window 100 is not a multiple of the source's 512-byte logical sector size");
	fx_source_free(src);
}
END_TEST

/* A drive that dies answering EIO (not ENODEV) for every sector. */
START_TEST(test_device_dies_with_eio)
{
	uint64_t size = (uint64_t)64 << 20;
	uint8_t *disk = calloc(1, size);
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;

	m.dead_from = (uint64_t)10 << 20;
	o.retries = 0;
	src = mem_open(&m);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_EGONE);
	/* blocks up to 25 MiB went on zero-filled and listed; the block in
	 * which the probe failed is not part of the image */
	ck_assert_uint_eq(r.bytes, (uint64_t)25 << 20);
	ck_assert_uint_eq(r.nbad, 1);
	ck_assert_uint_eq(r.bad[0].first, 20480);
	ck_assert_uint_eq(r.bad[0].count, 30720);
	ck_assert_str_eq(r.error,
			 "source mem stopped answering at byte 27262464: 16777216 bytes in a row failed and sector 18432, read before, fails now");
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

/* A long bad region on a drive that still answers: read on past it. */
START_TEST(test_long_bad_region_is_not_a_dead_device)
{
	uint64_t size = (uint64_t)48 << 20;
	uint8_t *disk = malloc(size);
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src;

	fxt_fill_pattern(disk, size, 5);
	m.eio_first = 8192;            /* 4 MiB */
	m.eio_end = 8192 + 40960;      /* 20 MiB of bad sectors */
	o.retries = 0;
	src = mem_open(&m);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.bytes, size);
	ck_assert_uint_eq(r.nbad, 1);
	ck_assert_uint_eq(r.bad[0].first, 8192);
	ck_assert_uint_eq(r.bad[0].count, 40960);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

/* What the progress callback is given: every call on the calling thread,
 * bytes never going back, the size as total, the unreadable sectors so
 * far, and a last call with everything read (also for an interrupted
 * run); a single destination of a known size has no copies and a known
 * total. */
typedef struct progress_seen {
	unsigned calls;
	uint64_t last_bytes, total, bad;
	double last_elapsed;
	int went_back, other_thread, total_unknown, copies;
	pthread_t caller;
	uint64_t cancel_at;        /* set cancel once this many bytes are read */
	volatile sig_atomic_t cancel;
} progress_seen;

static void see_progress(const fx_progress *p, void *payload)
{
	progress_seen *ps = payload;

	ps->calls++;
	ps->went_back |= p->bytes_done < ps->last_bytes ||
			 p->elapsed_s < ps->last_elapsed;
	ps->other_thread |= !pthread_equal(pthread_self(), ps->caller);
	ps->total_unknown |= p->total_unknown;
	ps->copies |= p->copies != NULL || p->ncopies != 0;
	ps->last_bytes = p->bytes_done;
	ps->last_elapsed = p->elapsed_s;
	ps->total = p->bytes_total;
	ps->bad = p->bad_sectors;
	if (ps->cancel_at && p->bytes_done >= ps->cancel_at)
		ps->cancel = 1;
}

START_TEST(test_progress_reports)
{
	uint8_t *disk = malloc(DISK_SECTORS * SSZ);
	mem_source m = { disk, (uint64_t)DISK_SECTORS * SSZ, SSZ,
			 { 100, 4000 }, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	progress_seen ps;
	fx_acquire_result r;
	fx_source *src;

	memset(&ps, 0, sizeof(ps));
	ps.caller = pthread_self();
	fxt_fill_pattern(disk, DISK_SECTORS * SSZ, 9);
	o.block_size = 64 * 1024;
	o.retries = 0;
	o.progress = see_progress;
	o.progress_payload = &ps;
	o.progress_interval_ms = 0; /* every block: 64 calls, and the last */
	src = mem_open(&m);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(ps.calls, DISK_SECTORS * SSZ / (64 * 1024) + 1);
	ck_assert_int_eq(ps.went_back, 0);
	ck_assert_int_eq(ps.other_thread, 0);
	ck_assert_int_eq(ps.total_unknown, 0);
	ck_assert_int_eq(ps.copies, 0);
	ck_assert_uint_eq(ps.last_bytes, (uint64_t)DISK_SECTORS * SSZ);
	ck_assert_uint_eq(ps.total, (uint64_t)DISK_SECTORS * SSZ);
	ck_assert_uint_eq(ps.bad, 2);
	ck_assert(ps.last_elapsed >= 0 && ps.last_elapsed <= r.elapsed_s);
	fx_acquire_result_clear(&r);

	/* interrupted after 20 blocks: a last report still comes, at the
	 * bytes read */
	memset(&ps, 0, sizeof(ps));
	ps.caller = pthread_self();
	ps.cancel_at = 20 * 64 * 1024;
	o.cancel = &ps.cancel;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_INTERRUPTED);
	ck_assert_uint_eq(r.bytes, 20 * 64 * 1024);
	ck_assert_uint_eq(ps.calls, 20 + 1);
	ck_assert_uint_eq(ps.last_bytes, 20 * 64 * 1024);
	ck_assert_uint_eq(ps.bad, 1); /* sector 100 only */
	ck_assert_int_eq(ps.went_back, 0);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

/* The last progress of a run with copies: one entry per destination. */
typedef struct copies_seen {
	size_t ncopies;
	uint64_t bytes[4];
	fx_status status[4];
	int named;
} copies_seen;

static void see_copies(const fx_progress *p, void *payload)
{
	copies_seen *cs = payload;
	size_t i;

	cs->ncopies = p->ncopies;
	for (i = 0; i < p->ncopies && i < 4; i++) {
		cs->bytes[i] = p->copies[i].bytes;
		cs->status[i] = p->copies[i].status;
		cs->named |= p->copies[i].target != NULL;
	}
}

/* Several destinations (options version 2): every one gets every byte
 * from the same buffers, and the result has one entry per destination;
 * the progress follows each, and its last report says how each ended. */
START_TEST(test_copies_all_complete)
{
	copies_seen cs;
	uint8_t *disk = malloc(4096 * SSZ);
	mem_source m = { disk, 4096 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s[4];
	fx_sink *sinks[4];
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	char hex[65];
	unsigned i;

	fxt_fill_pattern(disk, 4096 * SSZ, 7);
	memset(s, 0, sizeof(s));
	for (i = 0; i < 4; i++) {
		s[i].data = malloc(4096 * SSZ);
		ck_assert_int_eq(fx_sink_new_custom(&sinks[i], &mem_sink_ops, &s[i]), 0);
	}
	o.block_size = 64 * 1024;
	o.copies = sinks + 1;
	o.ncopies = 3;
	memset(&cs, 0, sizeof(cs));
	o.progress = see_copies;
	o.progress_payload = &cs;
	ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(cs.ncopies, 4);
	ck_assert_int_eq(cs.named, 0); /* the caller names them */
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(cs.bytes[i], 4096 * SSZ);
		ck_assert_int_eq(cs.status[i], FX_STATUS_COMPLETED);
	}
	ck_assert_uint_eq(r.bytes, 4096 * SSZ);
	fxt_sha256_hex(hex, disk, 4096 * SSZ);
	ck_assert_str_eq(r.digests.sha256, hex);
	ck_assert_uint_eq(r.ncopies, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(s[i].len, 4096 * SSZ);
		ck_assert_int_eq(memcmp(s[i].data, disk, 4096 * SSZ), 0);
		ck_assert_int_eq(s[i].complete, 1);
		ck_assert_int_eq(s[i].told_digests, 1);
		ck_assert_int_eq(r.copies[i].status, FX_STATUS_COMPLETED);
		ck_assert_uint_eq(r.copies[i].bytes, 4096 * SSZ);
		ck_assert_uint_eq(r.copies[i].failed_at, UINT64_MAX);
		ck_assert_int_eq(r.copies[i].error_code, 0);
		ck_assert_ptr_null(r.copies[i].error);
	}
	fx_acquire_result_clear(&r);
	ck_assert_ptr_null(r.copies);
	ck_assert_uint_eq(r.ncopies, 0);
	for (i = 0; i < 4; i++) {
		fx_sink_free(sinks[i]);
		free(s[i].data);
	}
	fx_source_free(src);
	free(disk);
}
END_TEST

/* One copy fills up: it is cut at the byte it failed on, finished as
 * incomplete without the run's hashes (they describe more than it holds),
 * and the others complete with every byte; the run completes. */
START_TEST(test_copy_failure_spares_the_others)
{
	uint8_t *disk = malloc(4096 * SSZ);
	mem_source m = { disk, 4096 * SSZ, SSZ, { 100, 3500 }, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s[3];
	fx_sink *sinks[3];
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	uint8_t *expect = malloc(4096 * SSZ);
	char hex[65];
	unsigned i;

	fxt_fill_pattern(disk, 4096 * SSZ, 9);
	memcpy(expect, disk, 4096 * SSZ);
	memset(expect + 100 * SSZ, 0, SSZ);
	memset(expect + 3500 * SSZ, 0, SSZ);
	memset(s, 0, sizeof(s));
	for (i = 0; i < 3; i++) {
		s[i].data = malloc(4096 * SSZ);
		ck_assert_int_eq(fx_sink_new_custom(&sinks[i], &mem_sink_ops, &s[i]), 0);
	}
	s[1].limit = 3 << 19; /* 1.5 MiB: the fourth 512 KiB block fails */
	o.block_size = 512 * 1024;
	o.copies = sinks + 1;
	o.ncopies = 2;
	ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED_WITH_ERRORS);
	ck_assert_uint_eq(r.bytes, 4096 * SSZ);
	ck_assert_uint_eq(r.bad_sectors, 2);
	fxt_sha256_hex(hex, expect, 4096 * SSZ);
	ck_assert_str_eq(r.digests.sha256, hex);
	ck_assert_uint_eq(r.ncopies, 3);
	ck_assert_int_eq(r.copies[1].status, FX_STATUS_FAILED);
	ck_assert_uint_eq(r.copies[1].bytes, 3 << 19);
	ck_assert_uint_eq(r.copies[1].failed_at, 3 << 19);
	ck_assert_int_eq(r.copies[1].error_code, FX_ENOSPC);
	ck_assert_ptr_nonnull(r.copies[1].error);
	ck_assert_uint_eq(s[1].len, 3 << 19);
	ck_assert_int_eq(memcmp(s[1].data, expect, 3 << 19), 0);
	ck_assert_int_eq(s[1].finished, 1);
	ck_assert_int_eq(s[1].complete, 0);
	ck_assert_uint_eq(s[1].told_bytes, 3 << 19);
	ck_assert_int_eq(s[1].told_digests, 0);
	ck_assert_uint_eq(s[1].told_nbad, 1); /* sector 100 only */
	for (i = 0; i < 3; i += 2) {
		ck_assert_int_eq(r.copies[i].status, FX_STATUS_COMPLETED_WITH_ERRORS);
		ck_assert_uint_eq(r.copies[i].bytes, 4096 * SSZ);
		ck_assert_uint_eq(r.copies[i].failed_at, UINT64_MAX);
		ck_assert_uint_eq(s[i].len, 4096 * SSZ);
		ck_assert_int_eq(memcmp(s[i].data, expect, 4096 * SSZ), 0);
		ck_assert_int_eq(s[i].complete, 1);
		ck_assert_uint_eq(s[i].told_nbad, 2);
	}
	fx_acquire_result_clear(&r);
	for (i = 0; i < 3; i++) {
		fx_sink_free(sinks[i]);
		free(s[i].data);
	}
	fx_source_free(src);
	free(disk);
	free(expect);
}
END_TEST

/* Issue 15: the SHA-256 thread hashes the segments of split raw
 * destinations with the media (hash/sha256_pair.c). TARGET and a copy
 * split at 1 MiB take its digests, a copy split at 2 MiB hashes its own;
 * every file's recorded SHA-256 is that of its bytes (the last segment
 * short), and the media's is the whole's. Without SHA-256 among the
 * hashes, each split sink hashes its own segments, with the same result. */
START_TEST(test_segment_hashes_from_the_pipeline)
{
	const size_t size = (4u << 20) + 3 * 512;
	uint8_t *disk = malloc(size);
	const char *dir = fxt_tmpdir("acq-seg-hashes");
	const uint64_t segs[3] = { 1u << 20, 1u << 20, 2u << 20 };
	char t[3][900], hex[65], want[65];
	fx_image_file files[8];
	fx_sink *sinks[3];
	fx_acquire_result r;
	unsigned i, k, round;

	ck_assert_ptr_nonnull(disk);
	fxt_fill_pattern(disk, size, 33);
	for (round = 0; round < 2; round++) {
		mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
		fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
		fx_source *src = mem_open(&m);

		for (i = 0; i < 3; i++) {
			snprintf(t[i], sizeof(t[i]), "%s/r%u-%u", dir, round, i);
			ck_assert_int_eq(fx_sink_raw_new(&sinks[i], t[i], segs[i]), 0);
		}
		o.block_size = 384 * 1024; /* blocks cross the segment boundaries */
		o.hash_algs = round ? FX_HASH_MD5 : FX_HASH_ALL;
		o.copies = sinks + 1;
		o.ncopies = 2;
		ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
		ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
		ck_assert_uint_eq(r.bytes, size);
		if (!round) {
			fxt_sha256_hex(want, disk, size);
			ck_assert_str_eq(r.digests.sha256, want);
		}
		for (i = 0; i < 3; i++) {
			size_t n = fx_sink_files(sinks[i], files, 8);

			ck_assert_uint_eq(n, (size + segs[i] - 1) / segs[i]);
			for (k = 0; k < n; k++) {
				size_t at = (size_t)(k * segs[i]);
				size_t len = size - at < segs[i] ? size - at : (size_t)segs[i];

				ck_assert_uint_eq(files[k].size, len);
				fxt_sha256_hex(want, disk + at, len);
				ck_assert_msg(strcmp(files[k].sha256, want) == 0,
					      "round %u, destination %u, file %u: %s, not %s",
					      round, i, k, files[k].sha256, want);
				ck_assert_int_eq(fx_file_sha256(hex, files[k].path), 0);
				ck_assert_str_eq(hex, want);
			}
		}
		fx_acquire_result_clear(&r);
		for (i = 0; i < 3; i++)
			fx_sink_free(sinks[i]);
		fx_source_free(src);
	}
	free(disk);
}
END_TEST

/* Every destination fails: the run stops and fails, reporting the bytes
 * of the last one to fail, hashed exactly; a finish that fails fails
 * its destination only while another holds every byte. */
/* Real raw sinks with queued writes: TARGET (.raw), a split copy whose
 * third 1 MiB segment name is already taken, and a raw copy. The split
 * copy fails alone at 2 MiB, exactly, naming the file it would not
 * overwrite (left untouched); TARGET and the other copy hold every byte
 * and the run completes. */
START_TEST(test_raw_copy_failure_spares_the_others)
{
	const size_t size = 4u << 20;
	uint8_t *disk = malloc(size);
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	const char *dir = fxt_tmpdir("acq-raw-copies");
	char t0[900], t1[900], t2[900], name[1000], want[1100], hex[65];
	fx_sink *sinks[3];
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	FILE *f;
	unsigned i;

	fxt_fill_pattern(disk, size, 21);
	snprintf(t0, sizeof(t0), "%s/target", dir);
	snprintf(t1, sizeof(t1), "%s/split", dir);
	snprintf(t2, sizeof(t2), "%s/copy", dir);
	snprintf(name, sizeof(name), "%s.003", t1);
	ck_assert_ptr_nonnull(f = fopen(name, "w"));
	fputs("keep", f);
	fclose(f);
	ck_assert_int_eq(fx_sink_raw_new(&sinks[0], t0, 0), 0);
	ck_assert_int_eq(fx_sink_raw_new(&sinks[1], t1, 1u << 20), 0);
	ck_assert_int_eq(fx_sink_raw_new(&sinks[2], t2, 0), 0);
	o.block_size = 512 * 1024;
	o.copies = sinks + 1;
	o.ncopies = 2;
	ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(r.bytes, size);
	fxt_sha256_hex(hex, disk, size);
	ck_assert_str_eq(r.digests.sha256, hex);
	ck_assert_int_eq(r.copies[1].status, FX_STATUS_FAILED);
	ck_assert_uint_eq(r.copies[1].bytes, 2u << 20);
	ck_assert_uint_eq(r.copies[1].failed_at, 2u << 20);
	ck_assert_int_eq(r.copies[1].error_code, FX_EEXISTS);
	snprintf(want, sizeof(want), "refusing to overwrite existing file %s", name);
	ck_assert_str_eq(r.copies[1].error, want);
	{
		struct stat st;

		ck_assert_int_eq(stat(name, &st), 0);
		ck_assert_uint_eq((uint64_t)st.st_size, 4); /* untouched */
	}
	for (i = 0; i < 3; i += 2) {
		char got[65];

		ck_assert_int_eq(r.copies[i].status, FX_STATUS_COMPLETED);
		snprintf(name, sizeof(name), "%s.raw", i ? t2 : t0);
		ck_assert_int_eq(fx_file_sha256(got, name), 0);
		ck_assert_str_eq(got, hex);
	}
	snprintf(name, sizeof(name), "%s.002", t1);
	ck_assert_int_eq(fx_file_sha256(hex, name), 0);
	{
		char part[65];

		fxt_sha256_hex(part, disk + (1u << 20), 1u << 20);
		ck_assert_str_eq(hex, part);
		/* the failed copy's files keep their hashes (the pipeline's) */
		ck_assert_uint_eq(r.copies[1].nfiles, 2);
		ck_assert_str_eq(r.copies[1].files[1].sha256, part);
		fxt_sha256_hex(part, disk, 1u << 20);
		ck_assert_str_eq(r.copies[1].files[0].sha256, part);
	}
	fx_acquire_result_clear(&r);
	for (i = 0; i < 3; i++)
		fx_sink_free(sinks[i]);
	fx_source_free(src);
	free(disk);
}
END_TEST

START_TEST(test_all_copies_fail)
{
	uint8_t *disk = malloc(16384 * SSZ);
	mem_source m = { disk, 16384 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s[2];
	fx_sink *sinks[2];
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	char hex[65];
	unsigned i;

	fxt_fill_pattern(disk, 16384 * SSZ, 5);
	memset(s, 0, sizeof(s));
	for (i = 0; i < 2; i++) {
		s[i].data = malloc(16384 * SSZ);
		ck_assert_int_eq(fx_sink_new_custom(&sinks[i], &mem_sink_ops, &s[i]), 0);
	}
	s[0].limit = 1 << 20;
	s[1].limit = 3 << 19;
	o.block_size = 512 * 1024;
	o.copies = sinks + 1;
	o.ncopies = 1;
	ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_ENOSPC);
	/* either may fail last, depending on the threads' pace: the run
	 * reports that one's bytes, and its hashes are of exactly those */
	ck_assert(r.bytes == (1 << 20) || r.bytes == (3 << 19));
	fxt_sha256_hex(hex, disk, r.bytes);
	ck_assert_str_eq(r.digests.sha256, hex);
	ck_assert_uint_eq(r.copies[0].failed_at, 1 << 20);
	ck_assert_uint_eq(r.copies[1].failed_at, 3 << 19);
	ck_assert_int_eq(r.copies[0].status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.copies[1].status, FX_STATUS_FAILED);
	ck_assert_int_eq(s[r.bytes == (1 << 20) ? 0 : 1].told_digests, 1);
	ck_assert_int_eq(s[r.bytes == (1 << 20) ? 1 : 0].told_digests, 0);
	/* the reader stopped: nothing near the end of the source was read */
	ck_assert_uint_le(m.reads, 3 + 8 + 1); /* of 16 blocks */
	fx_acquire_result_clear(&r);

	/* a finish that fails: that copy fails, the run completes */
	fx_sink_free(sinks[0]);
	fx_sink_free(sinks[1]);
	memset(s[0].data, 0, 16384 * SSZ);
	for (i = 0; i < 2; i++) {
		uint8_t *d = s[i].data;

		memset(&s[i], 0, sizeof(s[i]));
		s[i].data = d;
		ck_assert_int_eq(fx_sink_new_custom(&sinks[i], &mem_sink_ops, &s[i]), 0);
	}
	s[1].fail_finish = 1;
	ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_int_eq(r.copies[0].status, FX_STATUS_COMPLETED);
	ck_assert_int_eq(r.copies[1].status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.copies[1].error_code, FX_EIO);
	ck_assert_uint_eq(r.copies[1].bytes, 16384 * SSZ);
	fx_acquire_result_clear(&r);
	for (i = 0; i < 2; i++) {
		fx_sink_free(sinks[i]);
		free(s[i].data);
	}
	fx_source_free(src);
	free(disk);
}
END_TEST

/* A destination that stalls holds the others back by the ring's depth
 * and no more: with 8 buffers, the other sink takes exactly 8 blocks
 * while the stalled one sits on its first. */
typedef struct stall_sink {
	mem_sink *fast;
	size_t seen;            /* fast's bytes when the stall ended */
	size_t block;
	int stalled;
} stall_sink;

static size_t fast_len(mem_sink *f)
{
	return __atomic_load_n(&f->len, __ATOMIC_ACQUIRE);
}

static int stall_write(void *payload, const uint8_t *data, size_t len)
{
	stall_sink *st = payload;
	int i;

	(void)data;
	(void)len;
	if (st->stalled)
		return 0;
	st->stalled = 1;
	for (i = 0; i < 500 && fast_len(st->fast) < 8 * st->block; i++)
		usleep(10000);
	usleep(200000); /* time for the fast one to go further, if it could */
	st->seen = fast_len(st->fast);
	return 0;
}

static int stall_finish(void *payload, const fx_sink_summary *sum)
{
	(void)payload;
	(void)sum;
	return 0;
}

static const fx_sink_ops stall_sink_ops = { FX_SINK_OPS_VERSION, stall_write,
					    stall_finish, NULL, NULL, NULL, NULL };

START_TEST(test_stalled_copy_holds_others_by_ring_depth)
{
	uint8_t *disk = malloc(4096 * SSZ);
	mem_source m = { disk, 4096 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink fast;
	stall_sink slow = { &fast, 0, 64 * 1024, 0 };
	fx_sink *sinks[2];
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);

	fxt_fill_pattern(disk, 4096 * SSZ, 3);
	memset(&fast, 0, sizeof(fast));
	fast.data = malloc(4096 * SSZ);
	ck_assert_int_eq(fx_sink_new_custom(&sinks[0], &mem_sink_ops, &fast), 0);
	ck_assert_int_eq(fx_sink_new_custom(&sinks[1], &stall_sink_ops, &slow), 0);
	o.block_size = 64 * 1024;
	o.buffers = 8;
	o.copies = sinks + 1;
	o.ncopies = 1;
	ck_assert_int_eq(fx_acquire_run(&r, src, sinks[0], &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(slow.seen, 8 * 64 * 1024);
	ck_assert_uint_eq(fast.len, 4096 * SSZ);
	ck_assert_int_eq(memcmp(fast.data, disk, 4096 * SSZ), 0);
	fx_acquire_result_clear(&r);
	fx_sink_free(sinks[0]);
	fx_sink_free(sinks[1]);
	fx_source_free(src);
	free(fast.data);
	free(disk);
}
END_TEST

/* The copies' rules, and a version 1 caller's struct read without them. */
START_TEST(test_copies_options)
{
	uint8_t disk[8 * 512];
	mem_source m = { disk, sizeof(disk), SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	mem_sink s = { malloc(sizeof(disk)), 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_sink *sinks[4] = { NULL, NULL, NULL, NULL }, *sink;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);

	memset(disk, 0x5a, sizeof(disk));
	o.copies = sinks;
	o.ncopies = 4;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--copy given 4 times: at most 3 copies besides TARGET");
	o.ncopies = 1;
	o.copies = NULL;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	o.copies = sinks;
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_acquire_run: copies without a sink");
	ck_assert_int_eq(fx_sink_new_custom(&sink, &mem_sink_ops, &s), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_acquire_run: copy 1 is NULL");
	/* version 1: the copies' fields are not read */
	o.version = 1;
	o.ncopies = 99;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(r.ncopies, 1);
	ck_assert_int_eq(r.copies[0].status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(s.len, sizeof(disk));
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(s.data);
}
END_TEST

/* fx_acquire_options_check: the rules acquire applies to its options
 * before anything is written, with a message naming option and value. */
START_TEST(test_options_check)
{
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;

	ck_assert_int_eq(fx_acquire_options_check(&o, 0), 0);
	ck_assert_int_eq(fx_acquire_options_check(&o, 4096), 0);
	/* before the source is open: multiples of 512 bytes */
	o.block_size = 3;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--block-size 3 is not a multiple of 512 bytes (every sector size is)");
	o.block_size = 6144;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), 0);
	/* once it is: of its logical sector size */
	ck_assert_int_eq(fx_acquire_options_check(&o, 4096), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--block-size 6144 is not a multiple of the source's 4096-byte logical sector size");
	o.block_size = 0;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "--block-size 0 is not a positive size");
	o.block_size = FX_ACQUIRE_MAX_BLOCK + 512;
	ck_assert_int_eq(fx_acquire_options_check(&o, 512), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--block-size 268435968 is larger than 256M (268435456 bytes)");
	o.block_size = FX_ACQUIRE_MAX_BLOCK;
	ck_assert_int_eq(fx_acquire_options_check(&o, 512), 0);
	o.hash_window = 100;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--hash-window 100 is not a multiple of 512 bytes (every sector size is)");
	o.hash_window = 2048;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), 0);
	ck_assert_int_eq(fx_acquire_options_check(&o, 4096), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--hash-window 2048 is not a multiple of the source's 4096-byte logical sector size");
	o.hash_window = 0;
	o.retries = FX_ACQUIRE_MAX_RETRIES + 1;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "--retries 101 is more than 100");
	o.retries = FX_ACQUIRE_MAX_RETRIES;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), 0);
	o.hash_algs = 0;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "--hash: no known hash algorithm in the set 0x0 (md5, sha1, sha256)");
	o.hash_algs = FX_HASH_MD5 | 0x100;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	o.hash_algs = FX_HASH_MD5;
	o.buffers = 1;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "buffers 1 is not 2..1024");
	o.buffers = 8;
	o.version = 0;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	o.version = FX_ACQUIRE_OPTIONS_VERSION + 1;
	ck_assert_int_eq(fx_acquire_options_check(&o, 0), FX_EUSAGE);
	ck_assert_int_eq(fx_acquire_options_check(NULL, 0), FX_EUSAGE);
}
END_TEST

/* "\nNAME\n" for every thread of this process, as top -H and ps -T show
 * them (/proc/self/task/TID/comm). */
static void thread_names(char *out, size_t len)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	size_t used;

	snprintf(out, len, "\n");
	used = 1;
	while (d && (de = readdir(d)) != NULL && used < len) {
		char path[300], name[32] = "";
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(name, sizeof(name), f)) {
			name[strcspn(name, "\n")] = '\0';
			used += (size_t)snprintf(out + used, len - used, "%s\n", name);
		}
		fclose(f);
	}
	if (d)
		closedir(d);
}

#define ck_assert_thread(names, name) \
	ck_assert_msg(strstr(names, "\n" name "\n") != NULL, \
		      "no thread named %s among:%s", name, names)

typedef struct names_sink {
	char names[4096];
	char self[16];
	unsigned calls;
} names_sink;

/* Records the process's thread names during the first write. */
static int names_write(void *payload, const uint8_t *data, size_t len)
{
	names_sink *s = payload;

	(void)data;
	(void)len;
	if (s->calls++ == 0) {
		thread_names(s->names, sizeof(s->names));
		pthread_getname_np(pthread_self(), s->self, sizeof(s->self));
	}
	return 0;
}

static int names_finish(void *payload, const fx_sink_summary *sum)
{
	(void)payload;
	(void)sum;
	return 0;
}

static const fx_sink_ops names_sink_ops = { FX_SINK_OPS_VERSION, names_write,
					    names_finish, NULL, NULL, NULL, NULL };

START_TEST(test_thread_names)
{
	uint8_t *disk = calloc(256, SSZ);
	mem_source m = { disk, 256 * SSZ, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	names_sink ns;
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m);
	fx_sink *sink;

	memset(&ns, 0, sizeof(ns));
	o.block_size = 32 * SSZ;
	o.hash_window = 64 * SSZ;
	ck_assert_int_eq(fx_sink_new_custom(&sink, &names_sink_ops, &ns), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	ck_assert_uint_eq(ns.calls, 8);
	ck_assert_str_eq(ns.self, "sink");
	ck_assert_thread(ns.names, "md5");
	ck_assert_thread(ns.names, "sha1");
	ck_assert_thread(ns.names, "sha256");
	ck_assert_thread(ns.names, "window");
	ck_assert_thread(ns.names, "sink");
	fx_acquire_result_clear(&r);
	fx_sink_free(sink);
	fx_source_free(src);
	free(disk);
}
END_TEST

/* The E01 writer's and reader's threads have names of their own. The
 * image is larger than the reader's ring of jobs (2 * 2 + 2 of 1 MiB), so
 * that its threads are still there, waiting for the reader, when listed. */
START_TEST(test_e01_thread_names)
{
	const size_t size = (size_t)16 << 20;
	uint8_t *disk = malloc(size);
	mem_source m = { disk, size, SSZ, { 0 }, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	fx_e01_options eo = FX_E01_OPTIONS_INIT;
	fx_image_options io = FX_IMAGE_OPTIONS_INIT;
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	fx_source *src = mem_open(&m), *img = NULL;
	fx_sink *sink = NULL;
	char target[600], first[620], names[4096];

	fxt_fill_pattern(disk, size, 7);
	snprintf(target, sizeof(target), "%s/t", fxt_tmpdir("threads"));
	eo.threads = 2;
	eo.media_size = size;
	ck_assert_int_eq(fx_sink_e01_new(&sink, target, &eo), 0);
	thread_names(names, sizeof(names));
	ck_assert_thread(names, "deflate/0");
	ck_assert_thread(names, "deflate/1");
	ck_assert_ptr_null(strstr(names, "\ndeflate/2\n"));
	ck_assert_thread(names, "ewf-writer");
	ck_assert_thread(names, "flusher");
	ck_assert_int_eq(fx_acquire_run(&r, src, sink, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_COMPLETED);
	fx_sink_free(sink);
	snprintf(first, sizeof(first), "%s.E01", target);
	io.threads = 2;
	ck_assert_int_eq(fx_image_open(&img, first, &io), 0);
	thread_names(names, sizeof(names));
	ck_assert_thread(names, "ewf-fetch");
	ck_assert_thread(names, "inflate/0");
	ck_assert_thread(names, "inflate/1");
	fx_source_free(img);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(disk);
}
END_TEST

static Suite *acquire_suite(void)
{
	Suite *s = suite_create("acquire");
	TCase *tc = tcase_create("pipeline");

	tcase_add_test(tc, test_known_answer_abc);
	tcase_add_test(tc, test_known_answer_empty_and_million_a);
	tcase_add_test(tc, test_hash_subset);
	tcase_add_test(tc, test_bad_sectors_exact);
	tcase_add_test(tc, test_flaky_sector_recovered_by_retry);
	tcase_add_test(tc, test_retries_exhausted);
	tcase_add_test(tc, test_device_vanishes);
	tcase_add_test(tc, test_device_dies_with_eio);
	tcase_add_test(tc, test_long_bad_region_is_not_a_dead_device);
	tcase_add_test(tc, test_cancel_stops_at_block_boundary);
	tcase_add_test(tc, test_sink_failure_is_recorded);
	tcase_add_test(tc, test_copies_all_complete);
	tcase_add_test(tc, test_copy_failure_spares_the_others);
	tcase_add_test(tc, test_raw_copy_failure_spares_the_others);
	tcase_add_test(tc, test_segment_hashes_from_the_pipeline);
	tcase_add_test(tc, test_all_copies_fail);
	tcase_add_test(tc, test_stalled_copy_holds_others_by_ring_depth);
	tcase_add_test(tc, test_copies_options);
	tcase_add_test(tc, test_hash_windows);
	tcase_add_test(tc, test_result_to_record);
	tcase_add_test(tc, test_options_rejected);
	tcase_add_test(tc, test_options_check);
	tcase_add_test(tc, test_progress_reports);
	tcase_add_test(tc, test_thread_names);
	tcase_add_test(tc, test_checkpoints_exact);
	tcase_add_test(tc, test_resume_rebuilds_hashes);
	tcase_add_test(tc, test_resume_prefix_mismatch);
	tcase_add_test(tc, test_resume_progress_phases);
	tcase_add_test(tc, test_copies_no_checkpoints);
	tcase_add_test(tc, test_options_v1_no_resume);
	tcase_add_test(tc, test_e01_thread_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(acquire_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
