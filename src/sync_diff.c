/* sync_diff.c - per-bucket checksums of a source table and its target
 * table (see sync_diff.h). */
#include "sync_diff.h"
#include "canon.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* About this many target rows per bucket: a changed row ships its bucket,
 * so small buckets keep a sync with few changes cheap, while the sums stay
 * a few megabytes even for a hundred million rows. */
#define ROWS_PER_BUCKET 256
#define MAX_BUCKETS (1L << 18)

int syncdiff_init(SyncDiff *d, const PlanTable *t, PGconn *c, int key_only, const char *live,
                  PgmError *e)
{
    memset(d, 0, sizeof *d);
    d->t = t;
    d->key_only = key_only;
    d->live = live;
    const char *params[] = {t->tgt.oid};
    /* reltuples is an estimate: good enough to size buckets, and free.
     * Before the first ANALYZE (right after a run) it is -1, and one
     * bucket would hold the whole table: then the rows are counted. */
    PGresult *r = pg_query(c, "SELECT reltuples::bigint FROM pg_class WHERE oid = $1::oid", 1, params, e);
    if (!r)
        return PGM_FAIL;
    long rows = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (rows < 0) {
        Buf sql;
        buf_init(&sql);
        buf_puts(&sql, "SELECT count(*) FROM ");
        pg_quote_qualified(c, &sql, t->tgt.schema, t->tgt.name);
        r = pg_query(c, sql.data, 0, NULL, e);
        buf_free(&sql);
        if (!r)
            return PGM_FAIL;
        rows = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    d->nb = rows / ROWS_PER_BUCKET + 1;
    if (d->nb > MAX_BUCKETS)
        d->nb = MAX_BUCKETS;
    d->cnt = xcalloc((size_t)d->nb, sizeof *d->cnt);
    d->s1 = xcalloc((size_t)d->nb, sizeof *d->s1);
    d->s2 = xcalloc((size_t)d->nb, sizeof *d->s2);
    d->differs = xcalloc((size_t)d->nb, 1);
    buf_init(&d->line);
    buf_init(&d->rec);
    buf_init(&d->krec);
    buf_init(&d->tmp);
    return PGM_OK;
}

void syncdiff_free(SyncDiff *d)
{
    free(d->cnt);
    free(d->s1);
    free(d->s2);
    free(d->differs);
    buf_free(&d->line);
    buf_free(&d->rec);
    buf_free(&d->krec);
    buf_free(&d->tmp);
    memset(d, 0, sizeof *d);
}

/* Undoes copy_escape on one field into out. */
static void unescape(const char *p, size_t len, Buf *out)
{
    buf_reset(out);
    for (size_t i = 0; i < len; i++) {
        char ch = p[i];
        if (ch == '\\' && i + 1 < len) {
            ch = p[++i];
            ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch == 'r' ? '\r' : ch;
        }
        buf_putc(out, ch);
    }
}

/* Appends field [p, p+len) of column col, as the server prints it, to rec. */
static void add_field(SyncDiff *d, const PlanColumn *pc, const char *p, size_t len, Buf *rec)
{
    if (len == 2 && p[0] == '\\' && p[1] == 'N') {
        canon_record_field(rec, NULL, 0, 1);
        return;
    }
    unescape(p, len, &d->tmp);
    buf_reset(&d->line);
    if (!canon_text(&pc->tcol->type, d->tmp.data ? d->tmp.data : "", d->tmp.len, &d->line))
        d->uncertain++;
    canon_record_field(rec, d->line.data ? d->line.data : "", d->line.len, 0);
}

/* Splits a COPY line into fields; calls add_field for the selected ones
 * (cols: indexes into t->cols, in the order wanted; NULL = all). */
static void record_of(SyncDiff *d, const char *line, size_t len, const int *cols, size_t ncols,
                      const int *field_col, Buf *rec)
{
    canon_record_begin(rec);
    size_t nf = 0, start = 0;
    const char *fs[512];
    size_t fl[512];
    for (size_t i = 0; i <= len && nf < 512; i++) {
        if (i == len || line[i] == '\t') {
            fs[nf] = line + start;
            fl[nf++] = i - start;
            start = i + 1;
        }
    }
    for (size_t k = 0; k < ncols; k++) {
        size_t f = cols ? (size_t)cols[k] : k;
        size_t col = field_col ? (size_t)field_col[k] : f;
        if (f < nf)
            add_field(d, &d->t->cols[col], fs[f], fl[f], rec);
        else
            canon_record_field(rec, NULL, 0, 1);
    }
    canon_record_end(rec);
}

static long bucket_of(const SyncDiff *d, const Buf *krec)
{
    int32_t h1, h2;
    canon_hash(krec->data, krec->len, &h1, &h2);
    return (long)((h1 & 0x7fffffff) % d->nb);
}

void syncdiff_add(SyncDiff *d, const char *line, size_t len)
{
    const PlanTable *t = d->t;
    buf_reset(&d->krec);
    if (t->nkey)
        record_of(d, line, len, t->key, t->nkey, NULL, &d->krec);
    else
        record_of(d, line, len, NULL, t->ncols, NULL, &d->krec);
    long b = bucket_of(d, &d->krec);
    int32_t h1, h2;
    if (d->key_only || t->nkey == 0) {
        canon_hash(d->krec.data, d->krec.len, &h1, &h2);
    } else {
        buf_reset(&d->rec);
        record_of(d, line, len, NULL, t->ncols, NULL, &d->rec);
        canon_hash(d->rec.data, d->rec.len, &h1, &h2);
    }
    d->cnt[b]++;
    d->s1[b] += h1;
    d->s2[b] += h2;
}

void syncdiff_key_record(SyncDiff *d, const char *line, size_t len, Buf *out)
{
    const PlanTable *t = d->t;
    buf_reset(out);
    if (t->nkey)
        record_of(d, line, len, t->key, t->nkey, NULL, out);
    else
        record_of(d, line, len, NULL, t->ncols, NULL, out);
}

int syncdiff_field(SyncDiff *d, size_t col, const char *p, size_t len, Buf *out)
{
    if (len == 2 && p[0] == '\\' && p[1] == 'N')
        return 1;
    unescape(p, len, &d->tmp);
    return canon_text(&d->t->cols[col].tcol->type, d->tmp.data ? d->tmp.data : "", d->tmp.len, out)
               ? 0 : 2;
}

void syncdiff_add_key(SyncDiff *d, const char *keyfields, size_t len)
{
    long b = syncdiff_bucket(d, keyfields, len);
    int32_t h1, h2;
    canon_hash(d->krec.data, d->krec.len, &h1, &h2);
    d->cnt[b]++;
    d->s1[b] += h1;
    d->s2[b] += h2;
}

long syncdiff_bucket(SyncDiff *d, const char *keyfields, size_t len)
{
    buf_reset(&d->krec);
    record_of(d, keyfields, len, NULL, d->t->nkey, d->t->key, &d->krec);
    return bucket_of(d, &d->krec);
}

static void row_sql(PGconn *c, const PlanTable *t, int key_only, Buf *b)
{
    buf_puts(b, "md5(ROW(");
    key_only = key_only && t->nkey;   /* a keyless table's key is the whole row */
    size_t n = key_only ? t->nkey : t->ncols;
    for (size_t k = 0; k < n; k++) {
        if (k)
            buf_puts(b, ", ");
        buf_puts(b, "t.");
        pg_quote_ident(c, b, t->cols[key_only ? (size_t)t->key[k] : k].name);
    }
    buf_puts(b, ")::text)");
}

void syncdiff_bucket_sql(const SyncDiff *d, PGconn *c, Buf *out)
{
    buf_puts(out, "((('x' || substr(");
    row_sql(c, d->t, 1, out);
    buf_printf(out, ", 1, 8))::bit(32)::int & 2147483647) %% %ld)", d->nb);
}

/* The target's side.  Each row's md5 is computed once (OFFSET 0 keeps the
 * planner from inlining the subquery into every aggregate) and read as one
 * bigint whose halves are the two int32; with only a few thousand groups a
 * hash aggregate is right, but the planner cannot know that about an
 * expression and would sort every row, so sorting is off for this query. */
int syncdiff_send(SyncDiff *d, PGconn *c, PgmError *e)
{
    const PlanTable *t = d->t;
    Buf sql;
    buf_init(&sql);
    buf_printf(&sql, "SELECT b, count(*), sum(h >> 32), sum((h << 32) >> 32) FROM (SELECT "
                     "((('x' || substr(k, 1, 8))::bit(32)::int & 2147483647) %% %ld) AS b, "
                     "('x' || substr(r, 1, 16))::bit(64)::bigint AS h FROM (SELECT ", d->nb);
    row_sql(c, t, 1, &sql);
    buf_puts(&sql, " AS k, ");
    row_sql(c, t, d->key_only, &sql);
    buf_puts(&sql, " AS r FROM ");
    pg_quote_qualified(c, &sql, t->tgt.schema, t->tgt.name);
    buf_printf(&sql, " t%s%s OFFSET 0) s) s GROUP BY b", d->live ? " WHERE " : "", d->live ? d->live : "");
    int rc = pg_exec(c, "SET enable_sort = off", e);
    if (rc == PGM_OK && !PQsendQuery(c, sql.data)) {
        err_set(e, "target: %s", PQerrorMessage(c));
        rc = PGM_FAIL;
    }
    d->sent = rc == PGM_OK;
    buf_free(&sql);
    return rc;
}

/* Collects the result of syncdiff_send (always: the connection must be
 * free again even when the caller gave up). */
static PGresult *receive(SyncDiff *d, PGconn *c, PgmError *e)
{
    PGresult *r, *keep = NULL;
    while ((r = PQgetResult(c)) != NULL) {
        if (!keep)
            keep = r;
        else
            PQclear(r);
    }
    d->sent = 0;
    PgmError ignore = {0};
    pg_exec(c, "RESET enable_sort", &ignore);
    if (keep && PQresultStatus(keep) == PGRES_TUPLES_OK)
        return keep;
    char line[1024];
    pg_result_error_line(keep, line, sizeof line);
    err_set(e, "target: %s: checksums: %s", d->t->label, line);
    PQclear(keep);
    return NULL;
}

void syncdiff_abandon(SyncDiff *d, PGconn *c)
{
    PgmError ignore = {0};
    if (d->sent)
        PQclear(receive(d, c, &ignore));
}

int syncdiff_compare(SyncDiff *d, PGconn *c, long *same, PgmError *e)
{
    PGresult *r = receive(d, c, e);
    if (!r)
        return PGM_FAIL;
    d->target_rows = 0;
    unsigned char *seen = xcalloc((size_t)d->nb, 1);
    for (int i = 0; i < PQntuples(r); i++) {
        long b = atol(PQgetvalue(r, i, 0));
        if (b < 0 || b >= d->nb)
            continue;
        seen[b] = 1;
        d->target_rows += atoll(PQgetvalue(r, i, 1));
        d->differs[b] = d->cnt[b] != atoll(PQgetvalue(r, i, 1)) ||
                        d->s1[b] != atoll(PQgetvalue(r, i, 2)) || d->s2[b] != atoll(PQgetvalue(r, i, 3));
    }
    PQclear(r);
    *same = 0;
    d->ndiffer = 0;
    for (long b = 0; b < d->nb; b++) {
        if (!seen[b])
            d->differs[b] = d->cnt[b] != 0;   /* rows the target lacks entirely */
        d->ndiffer += d->differs[b];
        if (!d->differs[b])
            *same += d->cnt[b];
    }
    free(seen);
    return PGM_OK;
}

void syncdiff_bucket_array(const SyncDiff *d, Buf *out)
{
    buf_putc(out, '{');
    int first = 1;
    for (long b = 0; b < d->nb; b++) {
        if (!d->differs[b])
            continue;
        buf_printf(out, "%s%ld", first ? "" : ",", b);
        first = 0;
    }
    buf_putc(out, '}');
}
