/* sha1.h - SHA-1 (FIPS 180-4), one-shot and incremental.
 *
 * RFC 4122 name-based UUIDs of version 5 are defined on SHA-1, so the
 * uuid_v5 and hash operations need it to give the same UUIDs as
 * PostgreSQL's uuid-ossp and every other implementation.  It is used for
 * stable identifiers, not for security (SHA-1 is broken for that). */
#ifndef PGMAP_SHA1_H
#define PGMAP_SHA1_H

#include <stddef.h>
#include <stdint.h>

typedef struct Sha1 {
    uint32_t h[5];             /* the chaining state H0..H4 */
    uint64_t bytes;            /* message length so far */
    unsigned char block[64];   /* a partial block waiting for more bytes */
    size_t used;               /* bytes in block */
} Sha1;

void sha1_init(Sha1 *s);
void sha1_update(Sha1 *s, const void *data, size_t len);
/* Writes the digest; s must be initialised again before reuse. */
void sha1_final(Sha1 *s, unsigned char out[20]);

void sha1_digest(const void *data, size_t len, unsigned char out[20]);
/* The 40 lower-case hex digits of a digest plus a NUL. */
void sha1_hex(const unsigned char digest[20], char out[41]);

#endif
