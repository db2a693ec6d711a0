#!/usr/bin/env python3
"""Damages an acquire stream (docs/stream.md) on its way, for the tests.

Reads the stream on standard input and writes it to standard output,
frame by frame (memory: one frame), changing one thing:

  flip K        XOR 0x01 into the middle byte of data frame K's payload
                (its CRC-32 then fails: the receiver must name frame K)
  flip-recrc K  the same, and recompute the frame's CRC-32, so every frame
                checks and only the sender's digests can tell
  forge K       flip as flip-recrc, and rewrite the trailer's MD5, SHA-1
                and SHA-256 to those of the changed media (its CRC-32
                recomputed): a forgery only a keyed trailer (--stream-key)
                exposes
  version N     write format version N into the header
  where K       write nothing; print "STREAM_BYTE MEDIA_OFFSET LENGTH" of
                data frame K (where its head starts in the stream)
  header        write nothing; print the header's length in bytes

Independent of libforensic on purpose: the layout is the document's, and
the CRC-32 is Python's zlib.crc32 (the same gzip polynomial).
"""
import hashlib
import struct
import sys
import zlib

DATA = 0x41544144
TAIL = 0x4C494154


def read_exact(f, n):
    b = f.read(n)
    if len(b) != n:
        sys.exit("fx_stream_tamper: stream ends early")
    return b


def main():
    mode, arg = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    fixed = bytearray(read_exact(inp, 36))
    if fixed[:8] != b"FXSTREAM":
        sys.exit("fx_stream_tamper: not a stream")
    (json_len,) = struct.unpack_from("<I", fixed, 32)
    rest = read_exact(inp, json_len + 4)
    head_len = 36 + json_len + 4
    if mode == "header":
        print(head_len)
        return
    if mode == "version":
        struct.pack_into("<I", fixed, 8, arg)
    if mode != "where":
        out.write(fixed + rest)
    pos, seq, data_k = head_len, 0, 0
    hashes = [hashlib.md5(), hashlib.sha1(), hashlib.sha256()]
    while True:
        head = inp.read(32)
        if not head:
            break
        if len(head) != 32:
            sys.exit("fx_stream_tamper: stream ends inside a frame head")
        ftype, length, _seq, offset = struct.unpack_from("<IIQQ", head, 0)
        payload = bytearray(read_exact(inp, length))
        if ftype == DATA and data_k == arg:
            if mode == "where":
                print(pos, offset, length)
                return
            if mode in ("flip", "flip-recrc", "forge"):
                payload[length // 2] ^= 0x01
            if mode in ("flip-recrc", "forge"):
                crc = zlib.crc32(payload, zlib.crc32(head[:28]))
                head = head[:28] + struct.pack("<I", crc)
        if ftype == DATA:
            data_k += 1
            for h in hashes:
                h.update(payload)
        if ftype == TAIL and mode == "forge":
            for (at, width), h in zip(((24, 32), (56, 40), (96, 64)), hashes):
                payload[at:at + width] = h.hexdigest().encode()
            crc = zlib.crc32(payload, zlib.crc32(head[:28]))
            head = head[:28] + struct.pack("<I", crc)
        if mode != "where":
            out.write(head)
            out.write(payload)
        pos += 32 + length
        seq += 1
    if mode == "where":
        sys.exit("fx_stream_tamper: no data frame %d" % arg)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        # the receiver stopped reading (it found the damage): quietly
        sys.stderr.close()
        sys.exit(1)
