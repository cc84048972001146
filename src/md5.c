/* md5.c - MD5 as specified in RFC 1321 (see md5.h for why pgmap has it).
 * Written from the RFC's description: four rounds of sixteen steps over
 * 64-byte little-endian blocks, the length appended in bits at the end. */
#include "md5.h"

#include <string.h>

/* Per-step left rotations, four per round (RFC 1321 section 3.4). */
static const unsigned char rot[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

/* T[i] = floor(2^32 * |sin(i + 1)|), the RFC's table; spelled out rather
 * than computed so the result does not depend on the libm. */
static const uint32_t T[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void md5_block(Md5 *m, const unsigned char *p)
{
    uint32_t x[16];
    for (size_t i = 0; i < 16; i++)
        x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = m->a, b = m->b, c = m->c, d = m->d;
    for (int i = 0; i < 64; i++) {
        int r = i / 16;
        uint32_t f;
        int k;
        switch (r) {
        case 0: f = (b & c) | (~b & d); k = i; break;
        case 1: f = (b & d) | (c & ~d); k = (5 * i + 1) % 16; break;
        case 2: f = b ^ c ^ d; k = (3 * i + 5) % 16; break;
        default: f = c ^ (b | ~d); k = (7 * i) % 16; break;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rol(a + f + x[k] + T[i], rot[r][i % 4]);
        a = t;
    }
    m->a += a;
    m->b += b;
    m->c += c;
    m->d += d;
}

void md5_init(Md5 *m)
{
    memset(m, 0, sizeof *m);
    m->a = 0x67452301;
    m->b = 0xefcdab89;
    m->c = 0x98badcfe;
    m->d = 0x10325476;
}

void md5_update(Md5 *m, const void *data, size_t len)
{
    const unsigned char *p = data;
    m->bytes += len;
    if (m->used) {
        size_t take = 64 - m->used < len ? 64 - m->used : len;
        memcpy(m->block + m->used, p, take);
        m->used += take;
        p += take;
        len -= take;
        if (m->used < 64)
            return;
        md5_block(m, m->block);
        m->used = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        md5_block(m, p);
    if (len)
        memcpy(m->block, p, len);
    m->used = len;
}

void md5_final(Md5 *m, unsigned char out[16])
{
    uint64_t bits = m->bytes * 8;
    unsigned char pad[72] = {0x80};
    /* Pad to 56 mod 64, then the bit length little-endian. */
    size_t n = m->used < 56 ? 56 - m->used : 120 - m->used;
    for (int i = 0; i < 8; i++)
        pad[n + (size_t)i] = (unsigned char)(bits >> (8 * i));
    md5_update(m, pad, n + 8);
    const uint32_t w[4] = {m->a, m->b, m->c, m->d};
    for (int i = 0; i < 16; i++)
        out[i] = (unsigned char)(w[i / 4] >> (8 * (i % 4)));
}

void md5_digest(const void *data, size_t len, unsigned char out[16])
{
    Md5 m;
    md5_init(&m);
    md5_update(&m, data, len);
    md5_final(&m, out);
}

void md5_hex(const unsigned char digest[16], char out[33])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[32] = '\0';
}
