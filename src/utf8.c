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

void copy_escape(Buf *out, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *esc = NULL;
        switch (s[i]) {
        case '\\': esc = "\\\\"; break;
        case '\n': esc = "\\n"; break;
        case '\r': esc = "\\r"; break;
        case '\t': esc = "\\t"; break;
        default: continue;
        }
        buf_append(out, s + run, i - run);
        buf_puts(out, esc);
        run = i + 1;
    }
    buf_append(out, s + run, len - run);
}
