/* canon_probe.c - a helper for tests/integration/canon_server.sh: runs
 * pgmap's cast and canon_text on values read from stdin so the shell test
 * can ask a real server for the same values and compare.
 *
 * Value mode (default): each line is  TYPE<TAB>INPUT[<TAB>anything]  with
 * INPUT in COPY text escaping (\\ \t \n \r \b \f \v \xHH).  TYPE is an SQL
 * type name as a column would have it (numeric(10,2), char(5), timestamptz,
 * double precision, ...); a leading "!" skips the cast (INPUT goes straight
 * to canon_text, for forms the cast never writes), a leading "~" reads
 * INPUT as a REAL value (as SQLite would hand it over).  Output per line:
 *     PROMISE<TAB>LOAD<TAB>CANON
 * PROMISE is canon_text's result (1/0) or E when the cast refused the value
 * (LOAD is then the message); LOAD is what pgmap would load; both texts
 * COPY-escaped.
 *
 * Record mode (--record): the first line is the column types, TAB
 * separated; each further line a row of COPY-escaped fields (\N = NULL).
 * Output per row:  MD5<TAB>H1<TAB>H2<TAB>RECORD<TAB>LOAD1...<TAB>LOADn
 * (LOADs as COPY fields, \N for NULL), or a line starting with E when a
 * value cannot be cast or canonicalised. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "md5.h"
#include "pgtype.h"
#include "util.h"
#include "value.h"

/* SQL spelling -> pg_type.typname. */
static const char *base_name(const char *n)
{
    static const char *const alias[][2] = {
        {"smallint", "int2"}, {"integer", "int4"}, {"int", "int4"}, {"bigint", "int8"},
        {"real", "float4"}, {"double precision", "float8"}, {"boolean", "bool"},
        {"character varying", "varchar"}, {"character", "bpchar"}, {"char", "bpchar"},
        {"timestamp without time zone", "timestamp"}, {"timestamp with time zone", "timestamptz"},
        {"time without time zone", "time"}, {"decimal", "numeric"},
    };
    for (size_t i = 0; i < sizeof alias / sizeof alias[0]; i++)
        if (strcmp(n, alias[i][0]) == 0)
            return alias[i][1];
    return n;
}

/* The PgType the catalog would give a column declared as name. */
static PgType probe_type(const char *name)
{
    char base[128];
    int a = -1, b = -1;
    size_t n = strcspn(name, "(");
    snprintf(base, sizeof base, "%.*s", (int)n, name);
    if (name[n] == '(' && sscanf(name + n, "(%d,%d)", &a, &b) < 1)
        a = -1;
    const char *tn = base_name(base);
    int typmod = -1;
    if (strcmp(tn, "numeric") == 0 && a > 0)
        typmod = ((a << 16) | (b < 0 ? 0 : b)) + 4;
    else if (strcmp(tn, "varchar") == 0 && a > 0)
        typmod = a + 4;
    else if (strcmp(tn, "bpchar") == 0)
        typmod = a > 0 ? a + 4 : strcmp(base, "bpchar") == 0 ? -1 : 5; /* char = char(1) */
    return pgtype_from_catalog(tn, typmod, name);
}

/* COPY text unescaping in place; returns the new length. */
static size_t unescape(char *s, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 == len) {
            s[o++] = s[i];
            continue;
        }
        char c = s[++i];
        const char *k = strchr("tnrbfv", c);
        if (c && k) {
            s[o++] = "\t\n\r\b\f\v"[k - "tnrbfv"];
        } else if (c == 'x' && i + 2 < len) {
            char h[3] = {s[i + 1], s[i + 2], 0};
            s[o++] = (char)strtol(h, NULL, 16);
            i += 2;
        } else {
            s[o++] = c;
        }
    }
    return o;
}

/* Cast (unless raw) into load; 0 with the message in load on failure. */
static int cast_one(const PgType *t, int mode, char *in, size_t len, Buf *load)
{
    char msg[512];
    if (mode == '!') {
        buf_append(load, in, len);
        return 1;
    }
    Value v = value_text(in, len);
    if (mode == '~')
        v = value_real(strtod(in, NULL));
    if (pgtype_cast(t, &v, load, msg, sizeof msg) != 0) {
        buf_puts(load, msg);
        return 0;
    }
    return 1;
}

static void value_line(char *line, size_t len, Buf *o)
{
    char *tab = memchr(line, '\t', len);
    if (!tab) {
        buf_puts(o, "E\tno tab\t\n");
        return;
    }
    *tab = '\0';
    char *in = tab + 1;
    size_t inlen = strcspn(in, "\t");
    inlen = unescape(in, inlen);
    in[inlen] = '\0';
    int mode = line[0] == '!' || line[0] == '~' ? line[0] : 0;
    PgType t = probe_type(line + (mode != 0));
    Buf load, canon;
    buf_init(&load);
    buf_init(&canon);
    if (!cast_one(&t, mode, in, inlen, &load)) {
        buf_puts(o, "E\t");
        copy_escape(o, load.data, load.len);
        buf_puts(o, "\t\n");
    } else {
        int p = canon_text(&t, load.data, load.len, &canon);
        buf_printf(o, "%d\t", p);
        copy_escape(o, load.data, load.len);
        buf_putc(o, '\t');
        copy_escape(o, canon.data ? canon.data : "", canon.len);
        buf_putc(o, '\n');
    }
    buf_free(&load);
    buf_free(&canon);
}

/* One row of record mode; types[] from the first line. */
static void record_line(const PgType *types, size_t ntypes, char *line, Buf *o)
{
    Buf rec, loads, load, canon;
    buf_init(&rec);
    buf_init(&loads);
    buf_init(&load);
    buf_init(&canon);
    canon_record_begin(&rec);
    int ok = 1;
    char *f = line;
    for (size_t i = 0; i < ntypes && ok; i++) {
        size_t n = strcspn(f, "\t");
        char *next = f[n] ? f + n + 1 : f + n;
        f[n] = '\0';
        buf_puts(&loads, "\t");
        if (strcmp(f, "\\N") == 0) {
            canon_record_field(&rec, NULL, 0, 1);
            buf_puts(&loads, "\\N");
        } else {
            size_t len = unescape(f, n);
            buf_reset(&load);
            buf_reset(&canon);
            ok = cast_one(&types[i], 0, f, len, &load) &&
                 canon_text(&types[i], load.data, load.len, &canon);
            canon_record_field(&rec, canon.data ? canon.data : "", canon.len, 0);
            copy_escape(&loads, load.data ? load.data : "", load.len);
        }
        f = next;
    }
    canon_record_end(&rec);
    if (ok) {
        unsigned char d[16];
        char hex[33];
        int32_t h1, h2;
        md5_digest(rec.data, rec.len, d);
        md5_hex(d, hex);
        canon_hash(rec.data, rec.len, &h1, &h2);
        buf_printf(o, "%s\t%d\t%d\t", hex, (int)h1, (int)h2);
        copy_escape(o, rec.data, rec.len);
        buf_append(o, loads.data, loads.len);
        buf_putc(o, '\n');
    } else {
        buf_puts(o, "E\n");
    }
    buf_free(&rec);
    buf_free(&loads);
    buf_free(&load);
    buf_free(&canon);
}

int main(int argc, char **argv)
{
    int record = argc > 1 && strcmp(argv[1], "--record") == 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    PgType *types = NULL;
    size_t ntypes = 0;
    Buf o;
    buf_init(&o);
    while ((got = getline(&line, &cap, stdin)) >= 0) {
        size_t len = (size_t)got;
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        buf_reset(&o);
        if (!record) {
            value_line(line, len, &o);
        } else if (!types) {
            size_t start = 0;
            while (start <= len) {
                size_t n = strcspn(line + start, "\t");
                line[start + n] = '\0';
                types = xrealloc(types, (ntypes + 1) * sizeof *types);
                types[ntypes++] = probe_type(line + start);
                start += n + 1;
            }
        } else {
            record_line(types, ntypes, line, &o);
        }
        fwrite(o.data ? o.data : "", 1, o.len, stdout);
    }
    free(line);
    free(types);
    buf_free(&o);
    return 0;
}
