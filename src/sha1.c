/* sha1.c - SHA-1 as specified in FIPS 180-4 (see sha1.h for why pgmap has
 * it).  Written from the standard: 512-bit blocks read as sixteen
 * big-endian words, a message schedule of 80 words (section 6.1.2), eighty
 * steps with the functions and constants of sections 4.1.1 and 4.2.1, and
 * the padding of section 5.1.1 (a 1 bit, zeros, the length in bits as a
 * big-endian 64-bit number). */
#include "sha1.h"

#include <string.h>

static uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

/* f_t and K_t of FIPS 180-4 4.1.1 / 4.2.1: Ch, Parity, Maj, Parity. */
static uint32_t step_f(int t, uint32_t x, uint32_t y, uint32_t z)
{
    if (t < 20)
        return (x & y) ^ (~x & z);
    if (t >= 40 && t < 60)
        return (x & y) ^ (x & z) ^ (y & z);
    return x ^ y ^ z;
}

static const uint32_t K[4] = {0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6};

static void sha1_block(Sha1 *s, const unsigned char *p)
{
    uint32_t w[80];
    for (size_t t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
               (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 80; t++)
        w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4];
    for (int t = 0; t < 80; t++) {
        uint32_t T = rotl(a, 5) + step_f(t, b, c, d) + e + K[t / 20] + w[t];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = T;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
}

void sha1_init(Sha1 *s)
{
    memset(s, 0, sizeof *s);
    /* The initial hash value H(0) of section 5.3.1. */
    s->h[0] = 0x67452301;
    s->h[1] = 0xefcdab89;
    s->h[2] = 0x98badcfe;
    s->h[3] = 0x10325476;
    s->h[4] = 0xc3d2e1f0;
}

void sha1_update(Sha1 *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->bytes += len;
    if (s->used) {
        size_t take = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        len -= take;
        if (s->used < 64)
            return;
        sha1_block(s, s->block);
        s->used = 0;
    }
    for (; len >= 64; p += 64, len -= 64)
        sha1_block(s, p);
    if (len)
        memcpy(s->block, p, len);
    s->used = len;
}

void sha1_final(Sha1 *s, unsigned char out[20])
{
    uint64_t bits = s->bytes * 8;
    unsigned char pad[72] = {0x80};
    /* Pad to 56 mod 64, then the bit length big-endian. */
    size_t n = s->used < 56 ? 56 - s->used : 120 - s->used;
    for (int i = 0; i < 8; i++)
        pad[n + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    sha1_update(s, pad, n + 8);
    for (int i = 0; i < 20; i++)
        out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
}

void sha1_digest(const void *data, size_t len, unsigned char out[20])
{
    Sha1 s;
    sha1_init(&s);
    sha1_update(&s, data, len);
    sha1_final(&s, out);
}

void sha1_hex(const unsigned char digest[20], char out[41])
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < 20; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[40] = '\0';
}
