/* init_types.c - the PostgreSQL type of every column, from what the values
 * turned out to be (init_scan.c) and, where the values leave a choice,
 * the declared type.  Every rule is listed with an example in
 * docs/type-mapping.md; the reason lands in the mapping as a comment.
 *
 * Principles: a declared type is a hint, the values are the truth; never
 * guess from a column name; a column holding incompatible classes gets a
 * type that holds every value (usually text) and a warning; a value
 * PostgreSQL refuses gets an explicit policy (an operation in the
 * mapping), never a silent change. */
#include "init.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* SQLite's affinity rules (datatype3.html, section 3.1), in their order. */
typedef enum Affinity { AFF_INTEGER, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUMERIC } Affinity;

typedef struct Decl {
    char up[128];     /* declared type, upper case */
    Affinity aff;
    int is_bool, is_temporal, is_time_only, is_date_only, is_json, is_exact;
    int length;       /* CHAR(n)/VARCHAR(n): n, else -1 */
} Decl;

static int has(const Decl *d, const char *w)
{
    return strstr(d->up, w) != NULL;
}

static void read_decl(const char *decl, Decl *d)
{
    memset(d, 0, sizeof *d);
    size_t i = 0;
    for (; decl[i] && i + 1 < sizeof d->up; i++)
        d->up[i] = (char)toupper((unsigned char)decl[i]);
    d->up[i] = '\0';
    if (has(d, "INT"))
        d->aff = AFF_INTEGER;
    else if (has(d, "CHAR") || has(d, "CLOB") || has(d, "TEXT"))
        d->aff = AFF_TEXT;
    else if (has(d, "BLOB") || !d->up[0])
        d->aff = AFF_BLOB;
    else if (has(d, "REAL") || has(d, "FLOA") || has(d, "DOUB"))
        d->aff = AFF_REAL;
    else
        d->aff = AFF_NUMERIC;
    d->is_bool = has(d, "BOOL");
    d->is_temporal = has(d, "DATE") || has(d, "TIME");
    d->is_time_only = has(d, "TIME") && !has(d, "DATE") && !has(d, "STAMP");
    d->is_date_only = has(d, "DATE") && !has(d, "DATETIME") && !has(d, "TIME");
    d->is_json = has(d, "JSON");
    d->is_exact = has(d, "DEC") || has(d, "NUMERIC") || has(d, "MONEY");
    d->length = -1;
    const char *p = strchr(d->up, '(');
    if (d->aff == AFF_TEXT && p && has(d, "CHAR")) {
        char *end = NULL;
        long n = strtol(p + 1, &end, 10);
        if (end && *end == ')' && n > 0 && n < 10485760)
            d->length = (int)n;
    }
}

typedef struct Choice {
    IDb *db;
    IColumn *c;
    const Decl *d;
    const char *dd;   /* "declared NVARCHAR(40)" or "no declared type" */
} Choice;

/* The formatted text, in the model's arena. */
static char *vformat(Arena *a, const char *fmt, va_list ap)
{
    Buf b;
    buf_init(&b);
    buf_vprintf(&b, fmt, ap);
    char *r = arena_strdup(a, b.data ? b.data : "");
    buf_free(&b);
    return r;
}

static void set(Choice *ch, const char *type, PgTypeKind kind, const char *fmt, ...) PGM_PRINTF(4, 5);
static void set(Choice *ch, const char *type, PgTypeKind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ch->c->why = vformat(ch->db->arena, fmt, ap);
    va_end(ap);
    ch->c->pgtype = arena_strdup(ch->db->arena, type);
    ch->c->kind = kind;
}

static void warn(Choice *ch, const char *fmt, ...) PGM_PRINTF(2, 3);
static void warn(Choice *ch, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ch->c->warning = vformat(ch->db->arena, fmt, ap);
    va_end(ap);
    ch->db->warnings++;
}

/* "347 integers 1..347, 3 text" - what the values were, for comments. */
static char *classes(Arena *a, const ColProfile *p)
{
    Buf b;
    buf_init(&b);
    if (p->nint == 1)
        buf_printf(&b, "1 integer (%lld)", (long long)p->imin);
    else if (p->nint)
        buf_printf(&b, "%lld integers %lld..%lld", p->nint, (long long)p->imin, (long long)p->imax);
    if (p->nreal)
        buf_printf(&b, "%s%lld real%s", b.len ? ", " : "", p->nreal, p->nreal == 1 ? "" : "s");
    if (p->ntext)
        buf_printf(&b, "%s%lld text", b.len ? ", " : "", p->ntext);
    if (p->nblob)
        buf_printf(&b, "%s%lld blob%s", b.len ? ", " : "", p->nblob, p->nblob == 1 ? "" : "s");
    if (p->nnull)
        buf_printf(&b, "%s%lld null", b.len ? ", " : "", p->nnull);
    char *r = arena_strdup(a, b.len ? b.data : "no rows");
    buf_free(&b);
    return r;
}

/* ---- no values: the declared type decides ---- */

static void choose_empty(Choice *ch)
{
    const Decl *d = ch->d;
    const char *cl = ch->c->prof.n ? "only NULLs" : "no rows";
    if (d->is_bool)
        set(ch, "boolean", PT_BOOL, "%s; %s", cl, ch->dd);
    else if (d->is_temporal && d->aff == AFF_NUMERIC)
        set(ch, d->is_date_only ? "date" : d->is_time_only ? "time" : "timestamp",
            d->is_date_only ? PT_DATE : d->is_time_only ? PT_TIME : PT_TIMESTAMP, "%s; %s", cl, ch->dd);
    else if (d->is_json)
        set(ch, "jsonb", PT_JSONB, "%s; %s", cl, ch->dd);
    else if (d->aff == AFF_INTEGER)
        set(ch, "bigint", PT_INT8, "%s; %s (SQLite integers are 64-bit)", cl, ch->dd);
    else if (d->aff == AFF_REAL)
        set(ch, "double precision", PT_FLOAT8, "%s; %s", cl, ch->dd);
    else if (d->aff == AFF_NUMERIC)
        set(ch, "numeric", PT_NUMERIC, "%s; %s", cl, ch->dd);
    else if (d->aff == AFF_BLOB && d->up[0])
        set(ch, "bytea", PT_BYTEA, "%s; %s", cl, ch->dd);
    else
        set(ch, "text", PT_TEXT, "%s; %s", cl, ch->dd);
}

/* ---- integers ---- */

static int fits(const ColProfile *p, long long lo, long long hi)
{
    return p->imin >= lo && p->imax <= hi;
}

static void choose_integers(Choice *ch)
{
    const ColProfile *p = &ch->c->prof;
    const Decl *d = ch->d;
    char *cl = classes(ch->db->arena, p);
    if (d->is_bool && p->bool01 == p->nint) {
        set(ch, "boolean", PT_BOOL, "%s; %s, all 0 or 1", ch->dd, cl);
    } else if (d->is_temporal && !d->is_time_only) {
        long long m = llabs(p->imin) > llabs(p->imax) ? llabs(p->imin) : llabs(p->imax);
        const char *unit = m < 100000000000LL ? "s" : m < 100000000000000LL ? "ms" : "us";
        set(ch, "timestamptz", PT_TIMESTAMPTZ,
            "%s; %s: seconds since 1970%s, read from the magnitudes", ch->dd, cl,
            unit[0] == 's' ? "" : unit[0] == 'm' ? " in milliseconds" : " in microseconds");
        ch->c->ops = arena_printf(ch->db->arena, "[{epoch: %s}]", unit);
    } else if (d->is_exact) {
        set(ch, "numeric", PT_NUMERIC, "%s; %s", ch->dd, cl);
    } else if (d->aff == AFF_REAL) {
        set(ch, p->nbig ? "numeric" : "double precision", p->nbig ? PT_NUMERIC : PT_FLOAT8,
            "%s; %s%s", ch->dd, cl, p->nbig ? " (beyond 2^53: numeric keeps them exact)" : "");
    } else if ((has(d, "SMALLINT") || has(d, "TINYINT") || has(d, "INT2")) && fits(p, -32768, 32767)) {
        set(ch, "smallint", PT_INT2, "%s; %s", ch->dd, cl);
    } else if ((has(d, "MEDIUMINT") || has(d, "INT4") || has(d, "SMALLINT") || has(d, "TINYINT") ||
                (strncmp(d->up, "INT", 3) == 0 && !has(d, "INTEGER"))) && !has(d, "BIG") &&
               fits(p, -2147483648LL, 2147483647LL)) {
        set(ch, "integer", PT_INT4, "%s; %s", ch->dd, cl);
    } else {
        set(ch, "bigint", PT_INT8, "%s; %s", ch->dd, cl);
    }
    if (d->is_bool && p->bool01 != p->nint)
        warn(ch, "%s but holds integers other than 0 and 1 (%lld..%lld): kept as integers",
             ch->dd, (long long)p->imin, (long long)p->imax);
}

static void choose_numbers(Choice *ch)
{
    const ColProfile *p = &ch->c->prof;
    char *cl = classes(ch->db->arena, p);
    if (p->ninf) {
        set(ch, "double precision", PT_FLOAT8, "%s; %s, %lld of them infinite (only "
            "double precision holds Infinity exactly as SQLite does)", ch->dd, cl, p->ninf);
    } else if (ch->d->is_exact || p->nbig) {
        set(ch, "numeric", PT_NUMERIC, "%s; %s: numeric keeps every value exact "
            "(reals with their shortest round-trip digits)", ch->dd, cl);
    } else {
        set(ch, "double precision", PT_FLOAT8, "%s; %s (REAL is 8 bytes in SQLite: never real)", ch->dd, cl);
    }
    if (ch->d->aff == AFF_INTEGER && p->nreal_frac)
        warn(ch, "%s but holds %lld fractional reals (e.g. %s)", ch->dd,
             p->nreal_frac, p->real_example ? p->real_example : "?");
}

/* ---- text ---- */

static void text_policies(Choice *ch)
{
    const ColProfile *p = &ch->c->prof;
    Arena *a = ch->db->arena;
    if (p->nnul && p->nbadutf8) {
        ch->c->ops = "[strip_nul, fix_utf8]";
    } else if (p->nnul) {
        ch->c->ops = "[strip_nul]";
    } else if (p->nbadutf8) {
        ch->c->ops = "[fix_utf8]";
    }
    if (p->nnul)
        ch->c->policy = arena_printf(a, "%lld value%s hold%s NUL bytes, which PostgreSQL text cannot "
                                     "store (e.g. \"%s\"): strip_nul removes them. To reject those rows "
                                     "instead, drop strip_nul; to keep the bytes, make the column bytea.",
                                     p->nnul, p->nnul == 1 ? "" : "s", p->nnul == 1 ? "s" : "", p->nul_example);
    if (p->nbadutf8)
        ch->c->policy = arena_printf(a, "%s%s%lld value%s %s not valid UTF-8 (e.g. \"%s\"): fix_utf8 reads "
                                     "each stray byte as Latin-1; fix_utf8: replace writes U+FFFD instead; "
                                     "without it those rows are rejected.", ch->c->policy ? ch->c->policy : "",
                                     ch->c->policy ? " " : "", p->nbadutf8, p->nbadutf8 == 1 ? "" : "s",
                                     p->nbadutf8 == 1 ? "is" : "are", p->badutf8_example);
}

static int is_nocase(const IColumn *c)
{
    return c->collation && ascii_casecmp(c->collation, "NOCASE") == 0;
}

static void choose_plain_text(Choice *ch)
{
    const ColProfile *p = &ch->c->prof;
    const Decl *d = ch->d;
    char *cl = classes(ch->db->arena, p);
    if (is_nocase(ch->c)) {
        ch->db->need_citext = 1;
        set(ch, "citext", PT_TEXT, "%s COLLATE NOCASE; %s: citext compares without case, as NOCASE does",
            ch->dd, cl);
    } else if (d->length > 0 && p->maxchars <= (size_t)d->length && !p->nnul && !p->nbadutf8) {
        char *ty = arena_printf(ch->db->arena, "varchar(%d)", d->length);
        set(ch, ty, PT_VARCHAR, "%s; %s, the longest %zu characters", ch->dd, cl, p->maxchars);
    } else if (d->length > 0) {
        set(ch, "text", PT_TEXT, "%s, which SQLite does not enforce; %s, the longest %zu characters",
            ch->dd, cl, p->maxchars);
    } else {
        set(ch, "text", PT_TEXT, "%s; %s", ch->dd, cl);
    }
    /* Only number types: JSON, DATE, BOOLEAN ... are text in SQLite anyway. */
    if (d->aff == AFF_INTEGER || d->aff == AFF_REAL || d->is_exact)
        if (!p->nint && !p->nreal)
            warn(ch, "%s but every value is text (e.g. \"%s\"): kept as text", ch->dd,
                 p->text_example);
    text_policies(ch);
}

static void choose_text(Choice *ch)
{
    const ColProfile *p = &ch->c->prof;
    const Decl *d = ch->d;
    unsigned tc = p->text_all;
    char *cl = classes(ch->db->arena, p);
    if (p->nnul || p->nbadutf8 || is_nocase(ch->c))
        tc = 0;   /* plain text, with a policy or citext */
    if (tc & TC_UUID)
        set(ch, "uuid", PT_UUID, "%s; %s, every one a UUID", ch->dd, cl);
    else if (tc & TC_DATE)
        set(ch, "date", PT_DATE, "%s; %s, every one an ISO date", ch->dd, cl);
    else if ((tc & TC_TIMESTAMP) && !p->ntz)
        set(ch, "timestamp", PT_TIMESTAMP, "%s; %s, every one an ISO date or datetime without offset",
            ch->dd, cl);
    else if ((tc & TC_TIMESTAMPTZ) && p->ntz == p->ntext)
        set(ch, "timestamptz", PT_TIMESTAMPTZ, "%s; %s, every one an ISO datetime with an offset or Z",
            ch->dd, cl);
    else if (tc & TC_TIMESTAMPTZ)
        set(ch, "timestamptz", PT_TIMESTAMPTZ, "%s; %s, ISO datetimes, %lld with an offset or Z "
            "(the others are UTC, as SQLite's date functions read them)", ch->dd, cl, p->ntz);
    else if ((tc & TC_TIME) && (d->is_time_only || d->aff != AFF_TEXT))
        set(ch, "time", PT_TIME, "%s; %s, every one a time of day", ch->dd, cl);
    else if ((tc & TC_BOOL) && d->is_bool)
        set(ch, "boolean", PT_BOOL, "%s; %s, every one a boolean word", ch->dd, cl);
    else if (tc & TC_JSON)
        set(ch, "jsonb", PT_JSONB, "%s; %s, every one a JSON object or array", ch->dd, cl);
    else
        choose_plain_text(ch);
}

/* ---- mixed classes ---- */

static void choose_mixed(Choice *ch)
{
    const ColProfile *p = &ch->c->prof;
    char *cl = classes(ch->db->arena, p);
    if (p->nblob && !p->nint && !p->nreal) {
        set(ch, "bytea", PT_BYTEA, "%s; %s: bytea holds both (text as its UTF-8 bytes)",
            ch->dd, cl);
        warn(ch, "text and blobs in one column: loaded as bytea");
        return;
    }
    set(ch, "text", PT_TEXT, "%s; %s: only text holds every value (numbers in their shortest "
        "form, blobs as \\x hex)", ch->dd, cl);
    warn(ch, "incompatible storage classes (%s): loaded as text", cl);
    text_policies(ch);
}

static void choose_column(IDb *db, ITable *t, IColumn *c)
{
    Decl d;
    read_decl(c->decl, &d);
    Choice ch = {db, c, &d, c->decl[0] ? arena_printf(db->arena, "declared %s", c->decl) : "no declared type"};
    const ColProfile *p = &c->prof;
    long long values = p->n - p->nnull;
    int npk = 0;
    for (size_t i = 0; i < t->ncols; i++)
        npk += t->cols[i].pk > 0;
    if (c->pk == 1 && npk == 1 && ascii_casecmp(c->decl, "INTEGER") == 0 && !t->without_rowid &&
        !t->virtual_module) {
        c->identity = 1;
        set(&ch, "bigint", PT_INT8, "INTEGER PRIMARY KEY: the 64-bit rowid, an identity column%s",
            t->seq >= 0 ? " (AUTOINCREMENT)" : "");
    } else if (values == 0) {
        choose_empty(&ch);
    } else if (p->nblob == values) {
        set(&ch, "bytea", PT_BYTEA, "%s; %lld blob%s, the largest %zu bytes", ch.dd, p->nblob,
            p->nblob == 1 ? "" : "s", p->maxblob);
    } else if (p->nint == values) {
        choose_integers(&ch);
    } else if (p->nint + p->nreal == values) {
        if (d.is_temporal && !d.is_time_only && !p->ninf) {
            set(&ch, "timestamptz", PT_TIMESTAMPTZ, "%s; %s: seconds since 1970",
                ch.dd, classes(db->arena, p));
            c->ops = "[{epoch: s}]";
        } else {
            choose_numbers(&ch);
        }
    } else if (d.is_bool && !p->nreal && !p->nblob && p->bool01 == p->nint &&
               (p->text_all & TC_BOOL)) {
        set(&ch, "boolean", PT_BOOL, "%s; %s, all 0/1 or boolean words", ch.dd,
            classes(db->arena, p));
    } else if (p->ntext == values) {
        choose_text(&ch);
    } else {
        choose_mixed(&ch);
    }
    if (p->maxblob >= (size_t)1024 * 1024 && !c->policy)
        c->policy = arena_printf(db->arena, "the largest blob is %zu MB; PostgreSQL bytea holds up to 1 GB "
                                 "and pgmap ends a COPY batch as soon as it passes 16 MB", p->maxblob >> 20);
}

void init_choose_types(IDb *db)
{
    for (size_t i = 0; i < db->ntables; i++)
        for (size_t k = 0; k < db->tables[i].ncols; k++)
            choose_column(db, &db->tables[i], &db->tables[i].cols[k]);
}
