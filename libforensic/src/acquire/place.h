/* Where the pipeline's threads run: whether MD5 gets a core of its own. */
#ifndef FX_ACQUIRE_PLACE_H
#define FX_ACQUIRE_PLACE_H

/* Bytes each probe hashes: large enough that a hash's per-call costs do
 * not count, small enough to cost about a millisecond per algorithm. */
#define FX_PLACE_PROBE_BYTES (512u * 1024u)

/* What one destination (its sink thread and its writers: the system
 * calls that move the bytes, O_DIRECT or into the page cache) costs the
 * cores, as a fraction of MD5's CPU time for the same bytes. Measured on
 * 2 cores with SHA-NI (issue 15): an acquisition's CPU time beyond its
 * hashes was 0.10-0.15 of MD5's with one raw destination, and each more
 * destination added 0.25-0.4; taken at the lower bound so that one
 * destination with hashes that fit still pins (acquire.c). */
#define FX_PLACE_DEST_COST 0.15

/* The CPU seconds this thread took to hash FX_PLACE_PROBE_BYTES with alg
 * (one FX_HASH_*), the least of two tries; 0 when it cannot be measured. */
double fx_place_probe(unsigned alg);

/* Whether MD5 should have one of ncpus cores to itself: only when the
 * other per-byte work (`rest`, the same units as `md5`) fits on the other
 * cores. When it does not, pinning leaves MD5's core idle while the rest
 * queue on theirs, and the scheduler spreads the work better. */
int fx_place_pin_md5(double md5, double rest, unsigned ncpus);

#endif
