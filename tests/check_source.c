/*
 * Unit tests of sources through the public API: the write-block of a block
 * device and fx_source_restore_write_block (a loop device over a scratch
 * file, needs root: otherwise those tests print SKIP and pass), whether a
 * source has been read (read_started), and that a run cancelled before it
 * starts never reads, what kind of source it is (kind, is_partition), and
 * that a regular file truncated while it is read fails the run. The loop
 * device is attached once per test case by the parent process (an
 * unchecked fixture), so it is detached whatever a test does; it has no
 * partitions (acquire_source_state.sh covers those).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/loop.h>

#include "forensic/forensic.h"
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


/* ---- virtual disks (fx_source_open_virtual) ------------------------------- */

START_TEST(test_vdisk_format_names)
{
	static const char *const names[] = { "raw", "vmdk", "vhd", "vhdx", "qcow2" };
	int f = -1, i;

	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(fx_vdisk_format_parse(&f, names[i]), 0);
		ck_assert_int_eq(f, i);
		ck_assert_str_eq(fx_vdisk_format_name(i), names[i]);
	}
	ck_assert_int_eq(fx_vdisk_format_parse(&f, "QCOW2"), 0);
	ck_assert_int_eq(f, FX_VDISK_QCOW2);
	ck_assert_str_eq(fx_vdisk_format_title(FX_VDISK_VHDX), "VHDX virtual disk");
	ck_assert_str_eq(fx_vdisk_format_name(5), "?");
	ck_assert_int_eq(fx_vdisk_format_parse(&f, "vdi"), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(),
			 "unknown source format 'vdi' (raw, vmdk, vhd, vhdx or qcow2)");
	ck_assert_int_eq(fx_vdisk_format_parse(NULL, "raw"), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_vdisk_format_parse: out is required");
}
END_TEST

/* Writes head at 0 (and tail at size - 512 when given) of a size-byte
 * file of zeros and returns what fx_vdisk_sniff makes of it. */
static int sniffed(const char *dir, const char *head, size_t hlen,
		   const char *tail, size_t size)
{
	char path[4200];
	uint8_t *data = calloc(1, size);
	int f = -1;

	ck_assert_ptr_nonnull(data);
	memcpy(data, head, hlen);
	if (tail)
		memcpy(data + size - 512, tail, 8);
	snprintf(path, sizeof(path), "%s/sniff", dir);
	unlink(path);
	ck_assert_int_eq(fxt_write_file(path, data, size), 0);
	ck_assert_int_eq(fx_vdisk_sniff(&f, path), 0);
	free(data);
	return f;
}

START_TEST(test_vdisk_sniff_magic)
{
	const char *dir = fxt_tmpdir("check_source_sniff");
	int f = -1;

	ck_assert_ptr_nonnull(dir);
	ck_assert_int_eq(sniffed(dir, "KDMV", 4, NULL, 4096), FX_VDISK_VMDK);
	ck_assert_int_eq(sniffed(dir, "# Disk DescriptorFile\nversion=1\n", 32,
				 NULL, 512), FX_VDISK_VMDK);
	ck_assert_int_eq(sniffed(dir, "vhdxfile", 8, NULL, 4096), FX_VDISK_VHDX);
	ck_assert_int_eq(sniffed(dir, "QFI\xfb", 4, NULL, 4096), FX_VDISK_QCOW2);
	ck_assert_int_eq(sniffed(dir, "conectix", 8, NULL, 4096), FX_VDISK_VHD);
	/* a fixed VHD: the disk's bytes, then the footer */
	ck_assert_int_eq(sniffed(dir, "", 0, "conectix", 4096), FX_VDISK_VHD);
	ck_assert_int_eq(sniffed(dir, "QFI", 3, "conectiX", 4096), FX_VDISK_RAW);
	ck_assert_int_eq(sniffed(dir, "", 0, NULL, 100), FX_VDISK_RAW);
	ck_assert_int_eq(fx_vdisk_sniff(&f, dir), 0); /* a directory */
	ck_assert_int_eq(f, FX_VDISK_RAW);
}
END_TEST

/* dir/name.qcow2 made by qemu-img from a pattern of len bytes (in *media,
 * the caller's to free); 0 when qemu-img is missing (the test says SKIP). */
static int make_qcow2(char *out, size_t outlen, const char *dir,
		      const char *name, uint8_t **media, size_t len)
{
	char raw[4200], cmd[9000];

	if (system("qemu-img --version >/dev/null 2>&1") != 0) {
		printf("SKIP: check_source: qemu-img not installed: virtual disk tests not run\n");
		return 0;
	}
	*media = malloc(len);
	ck_assert_ptr_nonnull(*media);
	fxt_fill_pattern(*media, len, 11);
	memset(*media + len / 2, 0, len / 4); /* a hole for the sparse format */
	snprintf(raw, sizeof(raw), "%s/%s.raw", dir, name);
	snprintf(out, outlen, "%s/%s.qcow2", dir, name);
	unlink(raw);
	unlink(out);
	ck_assert_int_eq(fxt_write_file(raw, *media, len), 0);
	snprintf(cmd, sizeof(cmd), "qemu-img convert -O qcow2 '%s' '%s'", raw, out);
	ck_assert_int_eq(system(cmd), 0);
	unlink(raw);
	return 1;
}

/* The guest's disk, read back exactly; the container files with their
 * size and time; a change to a container file is found. */
START_TEST(test_vdisk_qcow2_reads_the_guest_disk)
{
	const char *dir = fxt_tmpdir("check_source_vdisk");
	const size_t len = 3 << 20;
	fx_container_file files[4];
	char path[4200], want[4400];
	uint8_t *media = NULL, *buf = malloc(len);
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000000, 0 } };
	fx_source *src = NULL;
	const fx_source_info *in;
	struct stat st;

	ck_assert_ptr_nonnull(dir);
	ck_assert_ptr_nonnull(buf);
	if (!make_qcow2(path, sizeof(path), dir, "disk", &media, len)) {
		free(buf);
		return;
	}
	ck_assert_int_eq(fx_source_open_virtual(&src, path, FX_VDISK_QCOW2, NULL), 0);
	in = fx_source_get_info(src);
	ck_assert_int_eq(in->kind, FX_SOURCE_VIRTUAL);
	ck_assert_uint_eq(in->size, len);
	ck_assert_uint_eq(in->logical_sector_size, 512);
	ck_assert_str_eq(in->write_block_method,
			 "none: qcow2 container files opened read-only");
	ck_assert_int_eq(fx_source_vdisk_format(src), FX_VDISK_QCOW2);
	ck_assert_int_eq(fx_source_pread(src, buf, len, 0), (int64_t)len);
	ck_assert_int_eq(memcmp(buf, media, len), 0);
	ck_assert_int_eq(fx_source_pread(src, buf, 4096, len - 1024), 1024);
	ck_assert_uint_eq(fx_source_container_files(src, NULL, 0), 1);
	ck_assert_uint_eq(fx_source_container_files(src, files, 4), 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_str_eq(files[0].path, path);
	ck_assert_str_eq(files[0].role, "image");
	ck_assert_uint_eq(files[0].size, (uint64_t)st.st_size);
	ck_assert_int_eq(files[0].mtime_ns, (int64_t)st.st_mtim.tv_sec * 1000000000LL +
			 st.st_mtim.tv_nsec);
	ck_assert_str_eq(files[0].sha256, "");
	ck_assert_int_eq(fx_source_check_containers(src), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	ck_assert_int_eq(fx_source_check_containers(src), FX_EMISMATCH);
	snprintf(want, sizeof(want),
		 "container file %s changed while it was read (modified)", path);
	ck_assert_str_eq(fx_error_last(), want);
	fx_source_free(src);
	free(media);
	free(buf);
}
END_TEST

/* What cannot be opened says which file and why; a damaged container is
 * -EBADMSG on read (corruption, not an unreadable sector), and the
 * pipeline fails the run with that reason. */
START_TEST(test_vdisk_errors)
{
	const char *dir = fxt_tmpdir("check_source_vderr");
	fx_source_options bad = FX_SOURCE_OPTIONS_INIT;
	fx_acquire_options o = FX_ACQUIRE_OPTIONS_INIT;
	fx_acquire_result r;
	char path[4200], plain[2000], want[8600];
	uint8_t *media = NULL, buf[512];
	fx_source *src = NULL;

	ck_assert_ptr_nonnull(dir);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	memset(buf, 0, sizeof(buf));
	unlink(plain);
	ck_assert_int_eq(fxt_write_file(plain, buf, sizeof(buf)), 0);
	ck_assert_int_eq(fx_source_open_virtual(&src, plain, FX_VDISK_QCOW2, NULL),
			 FX_ECORRUPT);
	ck_assert_ptr_null(src);
	snprintf(want, sizeof(want), "QCOW %s: unsupported file signature "
		 "(unable to open file: %s)", plain, plain);
	ck_assert_str_eq(fx_error_last(), want);
	ck_assert_int_eq(fx_source_open_virtual(&src, plain, 9, NULL), FX_EUSAGE);
	ck_assert_str_eq(fx_error_last(), "fx_source_open_virtual: unknown format 9");
	bad.version = 0;
	ck_assert_int_eq(fx_source_open_virtual(&src, plain, FX_VDISK_VMDK, &bad),
			 FX_EUSAGE);
	ck_assert_int_eq(fx_source_open_virtual(&src, plain, FX_VDISK_RAW, NULL), 0);
	ck_assert_int_eq(fx_source_get_info(src)->kind, FX_SOURCE_FILE);
	ck_assert_uint_eq(fx_source_container_files(src, NULL, 0), 0);
	ck_assert_int_eq(fx_source_check_containers(src), 0);
	fx_source_free(src);
	src = NULL;
	snprintf(path, sizeof(path), "%s/none.vhd", dir);
	ck_assert_int_eq(fx_source_open_virtual(&src, path, FX_VDISK_VHD, NULL),
			 FX_ENOTFOUND);

	if (!make_qcow2(path, sizeof(path), dir, "cut", &media, 4 << 20))
		return;
	ck_assert_int_eq(truncate(path, 1 << 20), 0);
	ck_assert_int_eq(fx_source_open_virtual(&src, path, FX_VDISK_QCOW2, NULL), 0);
	ck_assert_int_eq(fx_acquire_run(&r, src, NULL, &o), 0);
	ck_assert_int_eq(r.status, FX_STATUS_FAILED);
	ck_assert_int_eq(r.error_code, FX_ECORRUPT);
	ck_assert_uint_eq(r.nbad, 0);
	snprintf(want, sizeof(want), "qcow2 %s is damaged: the virtual disk "
		 "cannot be read at byte ", path);
	ck_assert_int_eq(strncmp(r.error, want, strlen(want)), 0);
	fx_acquire_result_clear(&r);
	fx_source_free(src);
	free(media);
}
END_TEST

static Suite *source_suite(void)
{
	Suite *s = suite_create("source");
	TCase *dev = tcase_create("write-block");
	TCase *any = tcase_create("read_started");

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
	tcase_add_test(any, test_vdisk_format_names);
	tcase_add_test(any, test_vdisk_sniff_magic);
	tcase_add_test(any, test_vdisk_qcow2_reads_the_guest_disk);
	tcase_add_test(any, test_vdisk_errors);
	suite_add_tcase(s, dev);
	suite_add_tcase(s, any);
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
