/* utf8.c - the byte-level text helpers every cast and operation shares:
 * UTF-8 validation and character counting, and COPY text-format escaping
 * (kept apart from pgtype.c so each file has one purpose). */
#include "pgtype.h"

#include <string.h>

#include "ops_internal.h"
/* ---- UTF-8 ---- */

size_t utf8_seq(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n == 0)
        return 0;
    if (u[0] < 0x80)
        return 1;
    size_t len;
    unsigned cp, min;
    if ((u[0] & 0xE0) == 0xC0) { len = 2; cp = u[0] & 0x1Fu; min = 0x80; }
    else if ((u[0] & 0xF0) == 0xE0) { len = 3; cp = u[0] & 0x0Fu; min = 0x800; }
    else if ((u[0] & 0xF8) == 0xF0) { len = 4; cp = u[0] & 0x07u; min = 0x10000; }
    else return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (u[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0; /* overlong, beyond Unicode, or a surrogate */
    return len;
}

size_t utf8_check(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* eight ASCII bytes at a time: most text is ASCII */
        uint64_t w;
        if (i + 8 <= len && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ULL) == 0)) {
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = utf8_seq(s + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}

int utf8_valid(const char *s, size_t len)
{
    return utf8_check(s, len) == len;
}

size_t utf8_charlen(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- COPY ---- */

/* Nonzero when some byte of w equals c (the classic SWAR zero-byte test
 * applied to w ^ c...c). */
static inline uint64_t has_byte(uint64_t w, unsigned char c)
{
    const uint64_t ones = 0x0101010101010101ULL;
    uint64_t x = w ^ (ones * c);
    return (x - ones) & ~x & 0x8080808080808080ULL;
}

/* Escapes s[i, end) at o (room for twice that), eight bytes at a time
 * where none needs an escape; returns end and sets *len to the new length
 * of data. */
static size_t escape_block(char *o, const char *s, size_t i, size_t end, size_t *len, const char *data)
{
    while (i < end) {
        uint64_t w;
        if (i + 8 <= end && (memcpy(&w, s + i, 8), !(has_byte(w, '\\') | has_byte(w, '\n') |
                                                     has_byte(w, '\r') | has_byte(w, '\t')))) {
            memcpy(o, &w, 8);
            o += 8;
            i += 8;
            continue;
        }
        char c = s[i++];
        if (c != '\\' && c != '\n' && c != '\r' && c != '\t') {
            *o++ = c;
            continue;
        }
        *o++ = '\\';
        *o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : c == '\t' ? 't' : '\\';
    }
    *len = (size_t)(o - data);
    return end;
}

void copy_escape(Buf *out, const char *s, size_t len)
{
    /* Bytes go straight in, without a call per byte or per escape (which
     * was a sixteenth of a load's time), with room for the worst case of
     * the next 64 kB at a time, so a large value does not reserve twice
     * its size. */
    buf_reserve(out, 0);   /* data is never NULL below, even for "" */
    size_t i = 0;
    while (i < len) {
        size_t blk = len - i < 65536 ? len - i : 65536;
        buf_reserve(out, 2 * blk);
        char *o = out->data + out->len;
        i = escape_block(o, s, i, i + blk, &out->len, out->data);
    }
    out->data[out->len] = '\0';
}

