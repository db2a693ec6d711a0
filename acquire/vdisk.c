/*
 * Virtual disks as sources (--source-format): which format the source is
 * read as, the warning when a file imaged as raw looks like a container,
 * and the container files' record.
 *
 * The record holds both sides of the hand-over: the virtual disk's media
 * (size and hashes, as for any disk: the pipeline's) and every file of the
 * container set with its size and SHA-256. The libyal readers open the
 * containers by path and read only what their tables reach, in their own
 * order, so a hash of what they read would cover neither every byte nor
 * the file as stored. Each container file is therefore hashed whole, from
 * storage (cached pages dropped first), after every refusal and before
 * the target is created, and its identity (device, inode, size,
 * modification and change time, taken when the set was opened) is
 * compared again after the media has been read: a file that changed in
 * between fails the run, so the hashes recorded are those of the bytes the
 * image was made from. It costs one more sequential read of the
 * containers; in exchange the hashes are in the case database's begin
 * record before the first byte of media is read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acquire_cli.h"
#include "escape.h"

int acq_vdisk_note_raw(acq_state *st)
{
	int f = FX_VDISK_RAW;

	if (st->source_format != FX_VDISK_RAW ||
	    fx_vdisk_sniff(&f, st->opt.source) != 0 || f == FX_VDISK_RAW)
		return 0;
	/* never switched silently: a container may itself be the evidence */
	snprintf(st->source_note, sizeof(st->source_note),
		 "%s looks like a %s; imaging the file's bytes as given (use --source-format %s to image the disk it holds)",
		 st->opt.source, fx_vdisk_format_title(f), fx_vdisk_format_name(f));
	fprintf(stderr, "acquire: %s\n", fx_tool_escape(st->source_note));
	return 0;
}

int acq_vdisk_hash(acq_state *st)
{
	size_t n = fx_source_container_files(st->src, NULL, 0), i;
	int rc;

	if (!n)
		return 0;
	if (!(st->containers = calloc(n, sizeof(*st->containers)))) {
		fprintf(stderr, "acquire: out of memory\n");
		return FX_EXIT_FAILURE;
	}
	st->ncontainers = fx_source_container_files(st->src, st->containers, n);
	for (i = 0; i < st->ncontainers; i++) {
		rc = fx_file_sha256_stored(st->containers[i].sha256,
					   st->containers[i].path, &fx_tool_signal);
		if (rc == FX_EINTR)
			return fx_tool_signo() == SIGTERM ? FX_EXIT_SIGTERM
							  : FX_EXIT_SIGINT;
		if (rc != 0) {
			fprintf(stderr, "acquire: container file %s: %s\n",
				fx_tool_escape(st->containers[i].path),
				fx_tool_escape(fx_error_last()));
			return FX_EXIT_FAILURE;
		}
	}
	/* hashed as the set was opened: nothing changed meanwhile */
	if (fx_source_check_containers(st->src) != 0) {
		fprintf(stderr, "acquire: %s\n", fx_tool_escape(fx_error_last()));
		return FX_EXIT_FAILURE;
	}
	return 0;
}

void acq_vdisk_check(acq_state *st)
{
	if (!st->ncontainers || st->status == FX_STATUS_FAILED ||
	    st->status == FX_STATUS_INTERRUPTED ||
	    fx_source_check_containers(st->src) == 0)
		return;
	st->status = FX_STATUS_FAILED;
	snprintf(st->error, sizeof(st->error),
		 "%.900s; the image may not be the disk the recorded hashes describe",
		 fx_error_last());
}

void acq_vdisk_log(const acq_state *st, FILE *f)
{
	size_t i;

	if (st->source_note[0])
		fprintf(f, "  Note:                 %s\n", fx_tool_escape(st->source_note));
	if (st->source_format == FX_VDISK_RAW)
		return;
	fprintf(f, "  Source format:        %s (the virtual disk the guest sees; size, sectors and hashes are the virtual disk's)\n",
		fx_vdisk_format_name(st->source_format));
	fprintf(f, "  Container files:      %zu (SHA-256 of each whole file, read from storage before imaging; unchanged after)\n",
		st->ncontainers);
	for (i = 0; i < st->ncontainers; i++)
		fprintf(f, "    %-13s %s  %llu bytes  %s\n", st->containers[i].role,
			st->containers[i].sha256,
			(unsigned long long)st->containers[i].size,
			fx_tool_escape(st->containers[i].path));
}

void acq_vdisk_json(const acq_state *st, fx_json *j)
{
	size_t i;

	fx_tool_json_str(j, "source_format", fx_vdisk_format_name(st->source_format));
	fx_json_key(j, "container_files");
	fx_json_array_begin(j);
	for (i = 0; i < st->ncontainers; i++) {
		fx_json_object_begin(j);
		fx_tool_json_str(j, "path", st->containers[i].path);
		fx_tool_json_str(j, "role", st->containers[i].role);
		fx_json_member_uint(j, "size", st->containers[i].size);
		fx_tool_json_str(j, "sha256", st->containers[i].sha256);
		fx_json_object_end(j);
	}
	fx_json_array_end(j);
}
