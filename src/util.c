/* util.c - buffers, arenas, the error object and small string helpers used
 * everywhere (see util.h for the ownership rules). */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    fprintf(stderr, "pgmap: out of memory (asked for %zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- Buf ---- */

void buf_init(Buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_free(Buf *b)
{
    free(b->data);
    buf_init(b);
}

void buf_reset(Buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_grow(Buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap && b->data)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_append(Buf *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(Buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_put_i64(Buf *b, int64_t v)
{
    char tmp[24];
    size_t n = sizeof tmp;
    /* in unsigned arithmetic, so INT64_MIN needs no special case */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--n] = '-';
    buf_append(b, tmp + n, sizeof tmp - n);
}

void buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    if (!fmt)   /* also tells gcc's sanitizer builds that fmt is not NULL */
        return;
    va_list ap2;
    va_copy(ap2, ap);
    char probe[1];  /* not NULL: gcc's -fsanitize builds warn on a NULL buffer */
    int n = vsnprintf(probe, sizeof probe, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *buf_steal(Buf *b)
{
    char *p = b->data ? b->data : xstrdup("");
    buf_init(b);
    return p;
}

/* ---- Arena ---- */

typedef struct Chunk {
    struct Chunk *next;
    size_t size;
    size_t used;
    /* data follows, aligned to 16 */
} Chunk;

struct Arena {
    Chunk *head;
    size_t total;
};

#define CHUNK_HDR ((sizeof(Chunk) + 15) & ~(size_t)15)
#define CHUNK_MIN 8192

static Chunk *chunk_new(size_t size)
{
    Chunk *c = xmalloc(CHUNK_HDR + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

Arena *arena_new(void)
{
    Arena *a = xcalloc(1, sizeof *a);
    a->head = chunk_new(CHUNK_MIN);
    return a;
}

void arena_free(Arena *a)
{
    if (!a)
        return;
    Chunk *c = a->head;
    while (c) {
        Chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void arena_reset(Arena *a)
{
    /* Keep only the last chunk in the list (the first allocated, CHUNK_MIN
     * or larger) so a per-row arena stops calling malloc in steady state. */
    Chunk *c = a->head;
    while (c && c->next) {
        Chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = c;
    if (c)
        c->used = 0;
    a->total = 0;
}

void *arena_alloc(Arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    Chunk *c = a->head;
    if (!c || c->size - c->used < n) {
        size_t size = n > CHUNK_MIN ? n : CHUNK_MIN;
        if (c && c->size * 2 > size && n <= c->size)
            size = c->size * 2;
        Chunk *nc = chunk_new(size);
        nc->next = c;
        a->head = nc;
        c = nc;
    }
    void *p = (char *)c + CHUNK_HDR + c->used;
    c->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    if (!fmt)
        return arena_strdup(a, "");
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        va_end(ap);
        return arena_strdup(a, "");
    }
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

size_t arena_used(const Arena *a)
{
    return a->total;
}

/* ---- errors ---- */

void err_set(PgmError *e, const char *fmt, ...)
{
    if (!e)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    e->set = 1;
}

void err_prefix(PgmError *e, const char *fmt, ...)
{
    if (!e)
        return;
    Buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    buf_printf(&b, ": %s", e->set ? e->msg : "failed");
    size_t n = b.len < sizeof e->msg - 1 ? b.len : sizeof e->msg - 1;
    memcpy(e->msg, b.data, n);
    e->msg[n] = '\0';
    buf_free(&b);
    e->set = 1;
}

void err_clear(PgmError *e)
{
    e->set = 0;
    e->msg[0] = '\0';
}

int read_file(const char *path, char **out, size_t *len, PgmError *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, "%s: %s", path, strerror(errno));
        return PGM_FAIL;
    }
    Buf b;
    buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        buf_free(&b);
        err_set(e, "%s: read error", path);
        return PGM_FAIL;
    }
    if (len)
        *len = b.len;
    *out = buf_steal(&b);
    return PGM_OK;
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = ascii_lower((unsigned char)*a), cb = ascii_lower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

int ascii_ncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ca = ascii_lower((unsigned char)a[i]), cb = ascii_lower((unsigned char)b[i]);
        if (ca != cb || !ca)
            return ca - cb;
    }
    return 0;
}

void json_append_string(Buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    buf_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)c);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': buf_puts(b, "\\n"); break;
            case '\r': buf_puts(b, "\\r"); break;
            case '\t': buf_puts(b, "\\t"); break;
            default: buf_printf(b, "\\u%04x", c); break;
            }
            i++;
        } else if (c < 0x80) {
            buf_putc(b, (char)c);
            i++;
        } else {
            size_t n = utf8_seq((const char *)p + i, len - i);
            if (n) {
                buf_append(b, p + i, n);
                i += n;
            } else {
                /* invalid byte: keep it visible as its own escape */
                buf_printf(b, "\\u%04x", c);
                i++;
            }
        }
    }
    buf_putc(b, '"');
}

void quote_ident_dq(Buf *b, const char *ident)
{
    buf_putc(b, '"');
    for (const char *p = ident; *p; p++) {
        if (*p == '"')
            buf_putc(b, '"');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}
