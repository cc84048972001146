/* md5.h - MD5 (RFC 1321), one-shot and incremental.
 *
 * pgmap sync compares rows by md5(ROW(...)::text), the digest PostgreSQL's
 * md5() computes on the server, so pgmap needs the same function on its
 * side.  MD5 is used here as a fingerprint for change detection, not for
 * security; libc has no digest, and a library for 150 lines is not worth
 * the dependency. */
#ifndef PGMAP_MD5_H
#define PGMAP_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct Md5 {
    uint32_t a, b, c, d;       /* the chaining state */
    uint64_t bytes;            /* message length so far */
    unsigned char block[64];   /* a partial block waiting for more bytes */
    size_t used;               /* bytes in block */
} Md5;

void md5_init(Md5 *m);
void md5_update(Md5 *m, const void *data, size_t len);
/* Writes the digest; m must be initialised again before reuse. */
void md5_final(Md5 *m, unsigned char out[16]);

void md5_digest(const void *data, size_t len, unsigned char out[16]);
/* The 32 lower-case hex digits of a digest plus a NUL (what md5() returns). */
void md5_hex(const unsigned char digest[16], char out[33]);

#endif
