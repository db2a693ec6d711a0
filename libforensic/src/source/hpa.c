/*
 * HPA/DCO detection through SG_IO ATA PASS-THROUGH(16). Only commands that
 * read are sent: IDENTIFY DEVICE (0xEC), READ NATIVE MAX ADDRESS EXT (0x27)
 * and DEVICE CONFIGURATION IDENTIFY (0xB1/0xC2). Nothing is ever set or
 * frozen. A device that does not answer (loop, NVMe, virtio, USB bridges
 * without SAT) is recorded as "not checked" with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <scsi/sg.h>

#include "source/source_impl.h"

#define ATA_PT16 0x85
#define ATA_PROTO_NONDATA 3
#define ATA_PROTO_PIO_IN 4

typedef struct ata_cmd {
	uint8_t command, features, device;
	int protocol, extend;
} ata_cmd;

/* Sends one ATA command; data (512 bytes) for PIO-in, sense for results. */
static int ata_send(int fd, const ata_cmd *c, uint8_t *data, uint8_t *sense,
		    size_t sense_len)
{
	uint8_t cdb[16] = { 0 };
	sg_io_hdr_t io;

	cdb[0] = ATA_PT16;
	cdb[1] = (uint8_t)(c->protocol << 1 | (c->extend ? 1 : 0));
	cdb[2] = data ? 0x0e : 0x20; /* in, blocks, count field | ck_cond */
	cdb[4] = c->features;
	cdb[6] = data ? 1 : 0;
	cdb[13] = c->device;
	cdb[14] = c->command;
	memset(&io, 0, sizeof(io));
	memset(sense, 0, sense_len);
	io.interface_id = 'S';
	io.cmd_len = sizeof(cdb);
	io.cmdp = cdb;
	io.dxfer_direction = data ? SG_DXFER_FROM_DEV : SG_DXFER_NONE;
	io.dxferp = data;
	io.dxfer_len = data ? 512 : 0;
	io.sbp = sense;
	io.mx_sb_len = (unsigned char)sense_len;
	io.timeout = 10000;
	if (ioctl(fd, SG_IO, &io) != 0)
		return -errno;
	if (io.host_status || io.driver_status > 1 /* DRIVER_SENSE ok */)
		return -EIO;
	if (data && io.status)
		return -EIO;
	return 0;
}

static uint64_t word(const uint8_t *id, int w)
{
	return (uint64_t)id[2 * w] | (uint64_t)id[2 * w + 1] << 8;
}

/* Max LBA from the ATA status return descriptor (0x09) of sense data. */
static int native_max_from_sense(uint64_t *out, const uint8_t *s)
{
	const uint8_t *d = s + 8;

	if ((s[0] & 0x7f) != 0x72 || d[0] != 0x09 || d[13] & 0x01)
		return -1; /* not descriptor sense, or ERR bit set */
	*out = (uint64_t)d[10] << 40 | (uint64_t)d[8] << 32 |
	       (uint64_t)d[6] << 24 | (uint64_t)d[11] << 16 |
	       (uint64_t)d[9] << 8 | d[7];
	return 0;
}

void fx_blockdev_hpa_dco(int fd, fx_source_text *text)
{
	uint8_t id[512], dco[512], sense[64];
	ata_cmd identify = { 0xEC, 0, 0, ATA_PROTO_PIO_IN, 0 };
	ata_cmd native = { 0x27, 0, 0x40, ATA_PROTO_NONDATA, 1 };
	ata_cmd dco_id = { 0xB1, 0xC2, 0, ATA_PROTO_PIO_IN, 0 };
	uint64_t current, native_max = 0, dco_max = 0;
	int rc, have_dco = 0;
	size_t len;

	rc = ata_send(fd, &identify, id, sense, sizeof(sense));
	if (rc != 0 || word(id, 0) & 0x8000) {
		snprintf(text->hpa_dco, sizeof(text->hpa_dco),
			 "not checked: the device does not answer ATA IDENTIFY through SG_IO (%s)",
			 rc ? strerror(-rc) : "not an ATA device");
		return;
	}
	current = word(id, 83) & (1 << 10)
		? word(id, 100) | word(id, 101) << 16 | word(id, 102) << 32 |
		  word(id, 103) << 48
		: word(id, 60) | word(id, 61) << 16;
	if (!(word(id, 82) & (1 << 10)) ||
	    ata_send(fd, &native, NULL, sense, sizeof(sense)) != 0 ||
	    native_max_from_sense(&native_max, sense) != 0) {
		snprintf(text->hpa_dco, sizeof(text->hpa_dco),
			 "HPA: not checked (HPA feature set not supported or READ NATIVE MAX ADDRESS EXT refused); current max %llu sectors",
			 (unsigned long long)current);
		native_max = current ? current - 1 : 0;
	} else {
		snprintf(text->hpa_dco, sizeof(text->hpa_dco),
			 "HPA: current max %llu sectors, native max %llu sectors, %s",
			 (unsigned long long)current,
			 (unsigned long long)native_max + 1,
			 native_max + 1 > current ? "HIDDEN SECTORS PRESENT"
						  : "no hidden sectors");
	}
	if (word(id, 83) & (1 << 11) &&
	    ata_send(fd, &dco_id, dco, sense, sizeof(sense)) == 0) {
		dco_max = word(dco, 3) | word(dco, 4) << 16 |
			  word(dco, 5) << 32 | word(dco, 6) << 48;
		have_dco = 1;
	}
	len = strlen(text->hpa_dco);
	if (have_dco)
		snprintf(text->hpa_dco + len, sizeof(text->hpa_dco) - len,
			 "; DCO: factory max %llu sectors, %s",
			 (unsigned long long)dco_max + 1,
			 dco_max > native_max ? "HIDDEN SECTORS PRESENT"
					      : "no hidden sectors");
	else
		snprintf(text->hpa_dco + len, sizeof(text->hpa_dco) - len,
			 "; DCO: not checked (not supported or DEVICE CONFIGURATION IDENTIFY refused)");
}
