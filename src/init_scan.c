/* init_scan.c - one pass over the stored values of every table, so init's
 * types tell the truth about what is stored rather than what was declared.
 *
 * For each column it counts storage classes, ranges, text shapes (uuid,
 * ISO date/datetime with or without offset, boolean words, JSON), values
 * PostgreSQL refuses (NUL bytes, invalid UTF-8, infinities) and
 * placeholders.  A text shape counts only when pgmap's own cast to that
 * type accepts the value (pgtype_cast), so a type chosen from the profile
 * never makes `pgmap run` reject a row the scan saw. */
#include "init.h"
#include "timeparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Scanner {
    PgType uuid, time;
    Buf out;
    Arena *arena;
} Scanner;

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int casts(Scanner *sc, const PgType *t, const char *s, size_t len)
{
    char msg[128];
    buf_reset(&sc->out);
    Value v = value_text(s, len);
    return pgtype_cast(t, &v, &sc->out, msg, sizeof msg) == 0;
}

/* ISO 8601 shapes: YYYY-MM-DD, then [ T]HH:MM[:SS[.ffffff]], then an
 * optional Z or +hh[:mm].  More than 6 fractional digits would be rounded
 * by PostgreSQL, so such values keep their text. */
static unsigned datetime_classes(const char *s, size_t len, int *tz)
{
    *tz = 0;
    if (len < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return 0;
    /* The parser pgmap's cast to date/timestamp[tz] uses (pgtype.c,
     * cast_datetime), called directly: the cast would also render the
     * value, which is most of the scan's time on datetime columns. */
    TimeParts tp;
    if (tp_parse_iso(s, len, &tp, 0) != TP_OK)
        return 0;
    if (len == 10)
        return TC_DATE | TC_TIMESTAMP | TC_TIMESTAMPTZ;
    size_t i = 10;
    if ((s[i] != ' ' && s[i] != 'T') || len < 16 || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2))
        return 0;
    i = 16;
    if (i < len && s[i] == ':') {
        if (len < 19 || !digits(s + 17, 2))
            return 0;
        i = 19;
        if (i < len && s[i] == '.') {
            size_t f = ++i;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            if (i == f || i - f > 6)
                return 0;
        }
    }
    if (i < len) {
        if (!(s[i] == 'Z' && i + 1 == len) &&
            !((s[i] == '+' || s[i] == '-') && (len - i == 3 || len - i == 5 || len - i == 6)))
            return 0;
        *tz = 1;
        return TC_TIMESTAMPTZ;
    }
    return TC_TIMESTAMP | TC_TIMESTAMPTZ;   /* without an offset: UTC for timestamptz */
}

static int is_bool_word(const char *s, size_t len)
{
    static const char *const w[] = {"t", "f", "true", "false", "yes", "no", "y", "n",
                                    "on", "off", "0", "1", NULL};
    for (int i = 0; w[i]; i++)
        if (strlen(w[i]) == len && ascii_ncasecmp(s, w[i], len) == 0)
            return 1;
    return 0;
}

static unsigned text_classes(Scanner *sc, unsigned want, const char *s, size_t len, int *tz)
{
    unsigned c = 0;
    *tz = 0;
    if ((want & TC_UUID) && len == 36 && s[8] == '-' && casts(sc, &sc->uuid, s, len))
        c |= TC_UUID;
    if (want & (TC_DATE | TC_TIMESTAMP | TC_TIMESTAMPTZ))
        c |= datetime_classes(s, len, tz);
    if ((want & TC_TIME) && len >= 5 && len <= 15 && digits(s, 2) && s[2] == ':' &&
        casts(sc, &sc->time, s, len))
        c |= TC_TIME;
    if ((want & TC_BOOL) && is_bool_word(s, len))
        c |= TC_BOOL;
    /* jsonb refuses \u0000 inside strings although it is valid JSON. */
    size_t lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '\n' || s[lead] == '\r'))
        lead++;
    if ((want & TC_JSON) && len - lead >= 2 && (s[lead] == '{' || s[lead] == '[') &&
        !memmem(s, len, "\\u0000", 6) && json_valid(s, len))
        c |= TC_JSON;
    return c;
}

/* A short, printable rendering of a value for comments: control bytes,
 * quotes and invalid UTF-8 as \xNN, cut after 40 bytes. */
static char *example(Arena *a, const char *s, size_t len)
{
    Buf b;
    buf_init(&b);
    for (size_t i = 0; i < len && b.len < 40;) {
        size_t n = utf8_seq(s + i, len - i);
        unsigned char ch = (unsigned char)s[i];
        if (n == 0 || ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\' || ch == '#') {
            buf_printf(&b, "\\x%02x", ch);
            i++;
        } else {
            buf_append(&b, s + i, n);
            i += n;
        }
    }
    if (b.len >= 40)
        buf_puts(&b, "...");
    char *r = arena_strdup(a, b.len ? b.data : "");
    buf_free(&b);
    return r;
}

static void profile_text(Scanner *sc, ColProfile *p, const char *s, size_t len)
{
    int valid = utf8_valid(s, len);
    if (memchr(s, 0, len)) {
        if (!p->nnul++)
            p->nul_example = example(sc->arena, s, len);
    } else if (!valid) {
        if (!p->nbadutf8++)
            p->badutf8_example = example(sc->arena, s, len);
    }
    /* The placeholders are short and start with '', N, -, 0: a cheap test first. */
    if (len <= 19 && (len == 0 || *s == 'N' || *s == 'n' || *s == '-' || *s == '0'))
        for (int k = 0; k < PROFILE_PLACEHOLDERS; k++)
            if (strlen(profile_placeholders[k]) == len && ascii_ncasecmp(s, profile_placeholders[k], len) == 0)
                p->nplace[k]++;
    unsigned want = p->ntext ? p->text_all : ~0u;
    int tz = 0;
    unsigned c = want ? text_classes(sc, want, s, len, &tz) : 0;
    p->text_all = want & c;
    p->ntz += tz;
    if (!p->ntext++)
        p->text_example = example(sc->arena, s, len);
    size_t chars = valid && len > p->maxchars ? utf8_charlen(s, len) : len;
    if (chars > p->maxchars)
        p->maxchars = chars;
}

static void profile_int(Scanner *sc, ColProfile *p, int64_t i)
{
    if (!p->nint++) {
        p->imin = p->imax = i;
        p->int_example = arena_printf(sc->arena, "%lld", (long long)i);
    }
    if (i < p->imin)
        p->imin = i;
    if (i > p->imax)
        p->imax = i;
    if (i == 0 || i == 1)
        p->bool01++;
    if (i > (INT64_C(1) << 53) || i < -(INT64_C(1) << 53))
        p->nbig++;
}

static void profile_real(Scanner *sc, ColProfile *p, double d)
{
    if (isinf(d)) {
        p->ninf++;
        p->nreal++;
        return;
    }
    if (p->nreal++ == p->ninf) {
        p->rmin = p->rmax = d;
        p->real_example = arena_printf(sc->arena, "%.17g", d);
    }
    if (d < p->rmin)
        p->rmin = d;
    if (d > p->rmax)
        p->rmax = d;
    if (d != floor(d))
        p->nreal_frac++;
}

static void profile_value(Scanner *sc, ColProfile *p, sqlite3_stmt *st, int i)
{
    p->n++;
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL: p->nnull++; break;
    case SQLITE_INTEGER: profile_int(sc, p, sqlite3_column_int64(st, i)); break;
    case SQLITE_FLOAT: profile_real(sc, p, sqlite3_column_double(st, i)); break;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        profile_text(sc, p, s, (size_t)sqlite3_column_bytes(st, i));
        break;
    }
    default: {
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        p->nblob++;
        if (n > p->maxblob)
            p->maxblob = n;
    }
    }
}

static char *select_all(const ITable *t, long sample)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT ");
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            buf_puts(&b, ", ");
        sql_quote_ident(&b, t->cols[i].name);
    }
    buf_puts(&b, " FROM ");
    sql_quote_ident(&b, t->name);
    if (sample > 0)
        buf_printf(&b, " LIMIT %ld", sample);
    return buf_steal(&b);
}

static int count_rows(sqlite3 *s, const ITable *t, long long *n, PgmError *e)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT count(*) FROM ");
    sql_quote_ident(&b, t->name);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s, b.data, -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        err_set(e, "source table %s: %s", t->name, sqlite3_errmsg(s));
    sqlite3_finalize(st);
    buf_free(&b);
    return e->set ? PGM_FAIL : PGM_OK;
}

static int scan_table(sqlite3 *s, Scanner *sc, ITable *t, long sample, PgmError *e)
{
    if (t->ncols == 0)
        return PGM_OK;
    char *sql = select_all(t, sample);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
        err_set(e, "source table %s: %s", t->name, sqlite3_errmsg(s));
        return PGM_FAIL;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        t->rows++;
        for (size_t i = 0; i < t->ncols; i++)
            profile_value(sc, &t->cols[i].prof, st, (int)i);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        err_set(e, "source table %s: %s", t->name, sqlite3_errmsg(s));
        return PGM_FAIL;
    }
    if (sample > 0 && t->rows >= sample)
        return count_rows(s, t, &t->rows, e);
    return PGM_OK;
}

int init_scan_table(sqlite3 *s, ITable *t, long sample, Arena *arena, PgmError *e)
{
    Scanner sc;
    memset(&sc, 0, sizeof sc);
    sc.uuid = pgtype_from_catalog("uuid", -1, "uuid");
    sc.time = pgtype_from_catalog("time", -1, "time without time zone");
    sc.arena = arena;
    buf_init(&sc.out);
    int rc = scan_table(s, &sc, t, sample, e);
    buf_free(&sc.out);
    return rc;
}

int init_scan(sqlite3 *s, IDb *db, long sample, PgmError *e)
{
    int rc = PGM_OK;
    for (size_t i = 0; i < db->ntables && rc == PGM_OK; i++)
        rc = init_scan_table(s, &db->tables[i], sample, db->arena, e);
    return rc;
}
