/* util.h - small building blocks shared by every module: a growable byte
 * buffer, an arena allocator, and the error object that functions fill.
 *
 * Ownership: a Buf owns its bytes until buf_free(); an Arena owns every
 * allocation made from it until arena_free().  Allocation failure aborts the
 * process with a message (xmalloc): pgmap is a command-line tool and cannot do
 * anything useful without memory, and this keeps every other error path about
 * real errors. */
#ifndef PGMAP_UTIL_H
#define PGMAP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#if defined(__GNUC__)
#define PGM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PGM_PRINTF(f, a)
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Growable buffer; data is always NUL-terminated after any append. */
typedef struct Buf {
    char *data;
    size_t len;
    size_t cap;
} Buf;

void buf_init(Buf *b);
void buf_free(Buf *b);
void buf_reset(Buf *b); /* len = 0, keeps the memory */
void buf_append(Buf *b, const void *p, size_t n);
void buf_puts(Buf *b, const char *s);
/* Makes room for extra more bytes (and the NUL); buf_reserve is the
 * check, inline because the COPY writers call it for every value. */
void buf_grow(Buf *b, size_t extra);
static inline void buf_reserve(Buf *b, size_t extra)
{
    if (!b->data || b->len + extra + 1 > b->cap)
        buf_grow(b, extra);
}
static inline void buf_putc(Buf *b, char c)
{
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
/* Appends v in decimal (no snprintf: integers are most of a load's values). */
void buf_put_i64(Buf *b, int64_t v);
void buf_printf(Buf *b, const char *fmt, ...) PGM_PRINTF(2, 3);
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
/* Takes the bytes out of b (caller frees), leaving b empty and initialised. */
char *buf_steal(Buf *b);

/* Arena: bump allocator in chunks; arena_reset keeps the first chunk. */
typedef struct Arena Arena;

Arena *arena_new(void);
void arena_free(Arena *a);
void arena_reset(Arena *a);
void *arena_alloc(Arena *a, size_t n);   /* zeroed, aligned to 16 */
char *arena_strdup(Arena *a, const char *s);
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) PGM_PRINTF(2, 3);
size_t arena_used(const Arena *a);

/* The error object every fallible function fills.  msg is one line that
 * says what failed with its context (file position, table, key, column,
 * value); main prints it once.  Never put a password in it. */
typedef struct PgmError {
    int set;
    char msg[2048];
} PgmError;

void err_set(PgmError *e, const char *fmt, ...) PGM_PRINTF(2, 3);
/* Prepends "prefix: " to an existing message (adds context going up). */
void err_prefix(PgmError *e, const char *fmt, ...) PGM_PRINTF(2, 3);
void err_clear(PgmError *e);

/* Status codes returned by fallible functions. */
enum { PGM_OK = 0, PGM_FAIL = -1 };

/* Reads a whole file into a NUL-terminated malloc'd buffer. */
int read_file(const char *path, char **out, size_t *len, PgmError *e);

/* Appends ident double-quoted, embedded quotes doubled: the SQL rule for
 * identifiers (SQLite and PostgreSQL alike), for text written without a
 * database connection; pg_quote_ident uses libpq's escaping when it can. */
void quote_ident_dq(Buf *b, const char *ident);

/* ASCII case-insensitive compare helpers (locale independent). */
int ascii_casecmp(const char *a, const char *b);
int ascii_ncasecmp(const char *a, const char *b, size_t n);

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 when the
 * bytes there are not valid UTF-8 (utf8.c). */
size_t utf8_seq(const char *s, size_t n);

/* Appends s as a JSON string literal (with quotes) to b; invalid UTF-8
 * bytes are written as \u00XX escapes of the byte so nothing is lost. */
void json_append_string(Buf *b, const char *s, size_t len);
/* FNV-1a of a NUL-terminated string, for in-memory hash tables. */
uint64_t str_hash(const char *s);

#endif
