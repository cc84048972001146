/* verify_rows.c - the rows of the buckets whose checksums differ, compared
 * one by one: each source row the mapping makes is held (its key record and
 * every value as the server would print it), the target's rows of the same
 * buckets are read with a cursor, and each is matched by key.  A target row
 * with no source row is extra, a source row with no target row missing,
 * and a matched pair whose texts differ is confirmed by the server (it
 * reads the source value as the column's type and prints it) before it is
 * reported, so a value pgmap's own printing cannot promise is never a
 * false alarm.
 *
 * Memory is bounded: a round holds the source rows of at most DRILL_ROWS
 * rows' worth of buckets, and at most DRILL_ROUNDS rounds run; buckets
 * beyond that are counted as not compared row by row. */
#include "verify_internal.h"
#include "canon.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DRILL_ROWS 100000
#define DRILL_ROUNDS 4
#define FETCH_ROWS 5000

typedef struct HeldRow {
    size_t off;        /* in Drill.store: key record, NUL, then per column: flag, text, NUL */
    long count;        /* times the mapping makes it (a keyless table's equal rows) */
    long matched;      /* target rows matched to it */
} HeldRow;

typedef struct Confirm {
    size_t row, col;
    char *target;      /* NULL = SQL NULL */
    char *server;      /* the source value as the server prints it, once asked */
    int differs;
} Confirm;

typedef struct Drill {
    VerifyCtx *x;
    VerifyTable *v;
    const PlanTable *t;
    SyncDiff *d;
    int values;              /* compare values (else keys only) */
    unsigned char *inround;  /* per bucket */
    HeldRow *rows;
    size_t nrows, caprows;
    size_t *index;           /* open addressing over rows, by key record; SIZE_MAX = empty */
    size_t capindex;
    Buf store, kf, krec, field;
    Confirm *conf;
    size_t nconf, capconf;
    RowConv *rc;
    TableStats st;
    long rownum;
    Batch b;
} Drill;

static const char *row_key(const Drill *dr, size_t i)
{
    return dr->store.data + dr->rows[i].off;
}

static size_t index_find(const Drill *dr, const char *krec)
{
    if (!dr->capindex)
        return SIZE_MAX;
    size_t j = (size_t)(str_hash(krec) % dr->capindex);
    for (; dr->index[j] != SIZE_MAX; j = (j + 1) % dr->capindex)
        if (strcmp(row_key(dr, dr->index[j]), krec) == 0)
            return dr->index[j];
    return SIZE_MAX;
}

static void index_put(Drill *dr, size_t row)
{
    if (dr->nrows * 2 > dr->capindex) {
        free(dr->index);
        dr->capindex = dr->capindex ? dr->capindex * 2 : 4096;
        dr->index = xmalloc(dr->capindex * sizeof *dr->index);
        memset(dr->index, 0xff, dr->capindex * sizeof *dr->index);
        for (size_t i = 0; i < dr->nrows; i++)
            if (i != row)
                index_put(dr, i);
    }
    size_t j = (size_t)(str_hash(row_key(dr, row)) % dr->capindex);
    while (dr->index[j] != SIZE_MAX)
        j = (j + 1) % dr->capindex;
    dr->index[j] = row;
}

/* The fields of a held row: column col's flag ('v' value, 'n' NULL, 'u'
 * uncertain) and text. */
static const char *held_field(const Drill *dr, size_t row, size_t col, char *flag)
{
    const char *p = row_key(dr, row);
    p += strlen(p) + 1;
    for (size_t k = 0; k < col; k++)
        p += strlen(p) + 1;
    *flag = p[0];
    return p + 1;
}

/* Holds one converted row of the round (a COPY line). */
static void hold(Drill *dr, const char *line, size_t len)
{
    syncdiff_key_record(dr->d, line, len, &dr->krec);
    buf_putc(&dr->krec, '\0');
    size_t again = index_find(dr, dr->krec.data);
    if (again != SIZE_MAX && dr->t->nkey == 0) {
        dr->rows[again].count++;   /* a multiset: equal rows are counted */
        return;
    }
    if (again != SIZE_MAX && !dr->values)
        return;
    if (again == SIZE_MAX && dr->nrows == dr->caprows) {
        dr->caprows = dr->caprows ? dr->caprows * 2 : 1024;
        dr->rows = xrealloc(dr->rows, dr->caprows * sizeof *dr->rows);
    }
    /* a key seen again: in upsert the last row of a key wins, so it takes
     * the slot (the key record is the same text) */
    size_t slot = again != SIZE_MAX ? again : dr->nrows;
    dr->rows[slot] = (HeldRow){dr->store.len, 1, 0};
    buf_append(&dr->store, dr->krec.data, dr->krec.len);
    size_t f = 0, start = 0;
    for (size_t i = 0; dr->values && i <= len && f < dr->t->ncols; i++) {
        if (i < len && line[i] != '\t')
            continue;
        buf_reset(&dr->field);
        int r = syncdiff_field(dr->d, f++, line + start, i - start, &dr->field);
        buf_putc(&dr->store, r == 1 ? 'n' : r == 2 ? 'u' : 'v');
        buf_append(&dr->store, dr->field.data ? dr->field.data : "", dr->field.len);
        buf_putc(&dr->store, '\0');
        start = i + 1;
    }
    if (again == SIZE_MAX)
        index_put(dr, dr->nrows++);
}

/* One source row: held when its bucket is in this round. */
static int drill_row(VerifyCtx *x, Drill *dr, const Value *row)
{
    dr->rownum++;
    if (dr->t->nkey) {
        buf_reset(&dr->kf);
        int k = rowconv_key(dr->rc, row, &dr->kf);
        if (k <= 0)
            return k < 0 ? PGM_FAIL : PGM_OK;
        if (!dr->inround[syncdiff_bucket(dr->d, dr->kf.data ? dr->kf.data : "", dr->kf.len)])
            return PGM_OK;
    }
    dr->st.read = dr->rownum - 1;   /* rowconv_row names a keyless row by its ordinal */
    int got = rowconv_row(dr->rc, row, &dr->b, 1);
    if (got > 0 && !refused_has(&x->refused, dr->t->label, dr->b.ids.data)) {
        const char *line = dr->b.data.data;
        size_t len = dr->b.off[1] - 1;
        if (dr->t->nkey == 0) {
            syncdiff_key_record(dr->d, line, len, &dr->krec);
            int32_t h1, h2;
            canon_hash(dr->krec.data, dr->krec.len, &h1, &h2);
            if (!dr->inround[(h1 & 0x7fffffff) % dr->d->nb]) {
                batch_clear(&dr->b);
                return PGM_OK;
            }
        }
        hold(dr, line, len);
    }
    batch_clear(&dr->b);
    return got < 0 ? PGM_FAIL : PGM_OK;
}

/* One source row of the round, through exec_each_row. */
static int round_row(void *arg, const Value *row)
{
    Drill *dr = arg;
    return drill_row(dr->x, dr, row);
}

/* ---- findings ---- */

/* The key of a row as a JSON object of its key columns' texts (the whole
 * record for a keyless table, or for keys-only rows). */
static void key_json(const Drill *dr, const char *krec, const char *const *vals, Buf *out)
{
    const PlanTable *t = dr->t;
    buf_reset(out);
    if (t->nkey == 0 || !vals) {
        buf_puts(out, t->nkey ? "{\"key\":" : "{\"row\":");
        json_append_string(out, krec, strlen(krec));
        buf_putc(out, '}');
        return;
    }
    buf_putc(out, '{');
    for (size_t k = 0; k < t->nkey; k++) {
        const char *name = t->cols[t->key[k]].name;
        buf_puts(out, k ? "," : "");
        json_append_string(out, name, strlen(name));
        buf_putc(out, ':');
        const char *s = vals[t->key[k]];
        if (s)
            json_append_string(out, s, strlen(s));
        else
            buf_puts(out, "null");
    }
    buf_putc(out, '}');
}

static void held_key_json(Drill *dr, size_t row, Buf *out)
{
    const char *vals[512];
    size_t n = dr->values && dr->t->ncols <= 512 ? dr->t->ncols : 0;
    for (size_t c = 0; c < n; c++) {
        char flag;
        const char *s = held_field(dr, row, c, &flag);
        vals[c] = flag == 'n' ? NULL : s;
    }
    key_json(dr, row_key(dr, row), n ? vals : NULL, out);
}

/* ---- the target's rows ---- */

static void target_sql(Drill *dr, Buf *sql)
{
    PGconn *c = dr->x->s->c;
    const PlanTable *t = dr->t;
    buf_puts(sql, "DECLARE pgmap_verify CURSOR FOR SELECT ROW(");
    size_t nk = t->nkey ? t->nkey : t->ncols;
    for (size_t k = 0; k < nk; k++) {
        buf_puts(sql, k ? ", t." : "t.");
        pg_quote_ident(c, sql, t->cols[t->nkey ? (size_t)t->key[k] : k].name);
    }
    buf_puts(sql, ")::text");
    for (size_t k = 0; dr->values && k < t->ncols; k++) {
        buf_puts(sql, ", t.");
        pg_quote_ident(c, sql, t->cols[k].name);
        buf_puts(sql, "::text");
    }
    buf_puts(sql, " FROM ");
    pg_quote_qualified(c, sql, t->tgt.schema, t->tgt.name);
    buf_puts(sql, " t WHERE ");
    syncdiff_bucket_sql(dr->d, c, sql);
    buf_puts(sql, " = ANY($1::int[])");
}

static void queue_confirm(Drill *dr, size_t row, size_t col, const char *target)
{
    if (dr->nconf == dr->capconf) {
        dr->capconf = dr->capconf ? dr->capconf * 2 : 64;
        dr->conf = xrealloc(dr->conf, dr->capconf * sizeof *dr->conf);
    }
    dr->conf[dr->nconf++] = (Confirm){row, col, target ? xstrdup(target) : NULL, NULL, 1};
}

/* One target row of the round. */
static void match_target(Drill *dr, const PGresult *r, int i, Buf *kj)
{
    VerifyCtx *x = dr->x;
    const char *krec = PQgetvalue(r, i, 0);
    size_t row = index_find(dr, krec);
    if (row == SIZE_MAX || dr->rows[row].matched >= dr->rows[row].count) {
        const char *vals[512];
        size_t n = dr->values && dr->t->ncols <= 512 ? dr->t->ncols : 0;
        for (size_t c = 0; c < n; c++)
            vals[c] = PQgetisnull(r, i, (int)c + 1) ? NULL : PQgetvalue(r, i, (int)c + 1);
        key_json(dr, krec, n ? vals : NULL, kj);
        int dup = row != SIZE_MAX && dr->t->nkey;
        dup ? dr->v->duplicate++ : dr->v->extra++;
        verify_finding(x, dr->v, dup ? VF_DUPLICATE : VF_EXTRA, kj->data, NULL, NULL, NULL,
                       dup ? "the target holds this key more than once"
                       : row != SIZE_MAX ? "the target holds this row more often than the mapping makes it"
                                         : "the target holds a row the mapping does not make");
        return;
    }
    if (dr->rows[row].matched++)
        return;   /* a keyless row's copies: equal by construction */
    for (size_t c = 0; dr->values && c < dr->t->ncols; c++) {
        char flag;
        const char *s = held_field(dr, row, c, &flag);
        int tnull = PQgetisnull(r, i, (int)c + 1);
        const char *tv = tnull ? NULL : PQgetvalue(r, i, (int)c + 1);
        if (flag == 'n' && tnull)
            continue;
        if (flag == 'v' && !tnull && strcmp(s, tv) == 0)
            continue;
        queue_confirm(dr, row, c, tv);
    }
}

static int scan_target(Drill *dr)
{
    VerifyCtx *x = dr->x;
    PGconn *c = x->s->c;
    Buf sql, arr, kj;
    buf_init(&sql);
    buf_init(&arr);
    buf_init(&kj);
    target_sql(dr, &sql);
    buf_putc(&arr, '{');
    for (long b = 0; b < dr->d->nb; b++)
        if (dr->inround[b])
            buf_printf(&arr, "%s%ld", arr.len > 1 ? "," : "", b);
    buf_putc(&arr, '}');
    const char *params[] = {arr.data};
    long n = pg_command(c, sql.data, 1, params, &x->s->e);
    int rc = n < 0 ? PGM_FAIL : PGM_OK;
    char fetch[64];
    snprintf(fetch, sizeof fetch, "FETCH %d FROM pgmap_verify", FETCH_ROWS);
    while (rc == PGM_OK) {
        PGresult *r = pg_query(c, fetch, 0, NULL, &x->s->e);
        if (!r) {
            rc = PGM_FAIL;
            break;
        }
        int nt = PQntuples(r);
        for (int i = 0; i < nt; i++)
            match_target(dr, r, i, &kj);
        PQclear(r);
        if (nt < FETCH_ROWS)
            break;
    }
    if (rc == PGM_OK)
        rc = pg_exec(c, "CLOSE pgmap_verify", &x->s->e);
    buf_free(&sql);
    buf_free(&arr);
    buf_free(&kj);
    return rc;
}

/* ---- confirming differing texts with the server ---- */

static void array_item(Buf *arr, const char *s)
{
    buf_puts(arr, arr->len > 1 ? ",\"" : "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(arr, '\\');
        buf_putc(arr, *s);
    }
    buf_putc(arr, '"');
}

/* Column col's queued values: the server reads each source text as the
 * column's type and prints it; equal to the target's text means equal.
 * In a savepoint: a text the type refuses must not end the transaction. */
static int confirm_column(Drill *dr, size_t col)
{
    PGconn *c = dr->x->s->c;
    Buf arr, sql;
    buf_init(&arr);
    buf_init(&sql);
    buf_putc(&arr, '{');
    size_t asked = 0;
    for (size_t i = 0; i < dr->nconf; i++) {
        Confirm *q = &dr->conf[i];
        char flag;
        const char *s = held_field(dr, q->row, col, &flag);
        if (q->col != col || flag == 'n' || !q->target)
            continue;
        array_item(&arr, s);
        asked++;
    }
    buf_putc(&arr, '}');
    int rc = PGM_OK;
    if (asked) {
        buf_printf(&sql, "SELECT x::%s::text FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n",
                   dr->t->cols[col].tcol->type.name);
        PgmError ignore = {0};
        const char *params[] = {arr.data};
        rc = pg_exec(c, "SAVEPOINT pgmap_verify_confirm", &dr->x->s->e);
        PGresult *r = rc == PGM_OK ? pg_query(c, sql.data, 1, params, &ignore) : NULL;
        if (rc == PGM_OK)
            rc = pg_exec(c, r ? "RELEASE pgmap_verify_confirm" : "ROLLBACK TO pgmap_verify_confirm",
                         &dr->x->s->e);
        for (size_t i = 0, k = 0; r && i < dr->nconf; i++) {
            Confirm *q = &dr->conf[i];
            char flag;
            held_field(dr, q->row, col, &flag);
            if (q->col != col || flag == 'n' || !q->target || (int)k >= PQntuples(r))
                continue;
            q->server = PQgetisnull(r, (int)k, 0) ? NULL : xstrdup(PQgetvalue(r, (int)k, 0));
            q->differs = !q->server || strcmp(q->server, q->target) != 0;
            k++;
        }
        PQclear(r);
        dr->v->uncertain += (long)asked;
    }
    buf_free(&arr);
    buf_free(&sql);
    return rc;
}

/* Confirms the queued values, then reports those that differ. */
static int report_values(Drill *dr)
{
    unsigned char *asked = xcalloc(dr->t->ncols ? dr->t->ncols : 1, 1);
    int rc = PGM_OK;
    for (size_t i = 0; rc == PGM_OK && i < dr->nconf; i++) {
        if (!asked[dr->conf[i].col])
            rc = confirm_column(dr, dr->conf[i].col);
        asked[dr->conf[i].col] = 1;
    }
    free(asked);
    Buf kj;
    buf_init(&kj);
    size_t last_row = SIZE_MAX;
    for (size_t i = 0; rc == PGM_OK && i < dr->nconf; i++) {
        Confirm *q = &dr->conf[i];
        if (!q->differs)
            continue;
        char flag;
        const char *s = held_field(dr, q->row, q->col, &flag);
        const char *src = q->server ? q->server : flag == 'n' ? NULL : s;
        if (q->row != last_row)
            dr->v->differ++;
        last_row = q->row;
        held_key_json(dr, q->row, &kj);
        verify_finding(dr->x, dr->v, VF_VALUE, kj.data, dr->t->cols[q->col].name, src, q->target,
                       "the value differs");
    }
    buf_free(&kj);
    return rc;
}

static void report_missing(Drill *dr)
{
    Buf kj;
    buf_init(&kj);
    for (size_t i = 0; i < dr->nrows; i++) {
        long lack = dr->rows[i].count - dr->rows[i].matched;
        if (lack <= 0)
            continue;
        dr->v->missing += lack;
        held_key_json(dr, i, &kj);
        char msg[128];
        if (dr->rows[i].count > 1)
            snprintf(msg, sizeof msg, "the mapping makes this row %ld times; the target holds it %ld times",
                     dr->rows[i].count, dr->rows[i].matched);
        else
            snprintf(msg, sizeof msg, "the mapping makes this row; the target lacks it");
        verify_finding(dr->x, dr->v, VF_MISSING, kj.data, NULL, NULL, NULL, msg);
    }
    buf_free(&kj);
}

/* ---- rounds ---- */

static void round_reset(Drill *dr)
{
    for (size_t i = 0; i < dr->nconf; i++) {
        free(dr->conf[i].target);
        free(dr->conf[i].server);
    }
    dr->nconf = 0;
    dr->nrows = 0;
    buf_reset(&dr->store);
    if (dr->index)
        memset(dr->index, 0xff, dr->capindex * sizeof *dr->index);
}

/* Marks the next differing buckets, up to DRILL_ROWS source rows (at least
 * one bucket); returns how many were marked. */
static long next_round(Drill *dr, long *from)
{
    memset(dr->inround, 0, (size_t)dr->d->nb);
    long marked = 0, rows = 0;
    for (; *from < dr->d->nb; (*from)++) {
        long b = *from;
        if (!dr->d->differs[b])
            continue;
        if (marked && rows + dr->d->cnt[b] > DRILL_ROWS)
            break;
        dr->inround[b] = 1;
        rows += dr->d->cnt[b];
        marked++;
    }
    return marked;
}

static void drill_free(Drill *dr)
{
    round_reset(dr);
    free(dr->conf);
    free(dr->rows);
    free(dr->index);
    free(dr->inround);
    buf_free(&dr->store);
    buf_free(&dr->kf);
    buf_free(&dr->krec);
    buf_free(&dr->field);
    batch_free(&dr->b);
    rowconv_close(dr->rc);
}

static void count_uncompared(Drill *dr, long from)
{
    long buckets = 0;
    for (long b = from; b < dr->d->nb; b++) {
        if (!dr->d->differs[b])
            continue;
        buckets++;
        dr->v->uncompared += dr->d->cnt[b];
    }
    if (!buckets)
        return;
    char msg[200];
    snprintf(msg, sizeof msg, "%ld more buckets differ (%ld source rows); not compared row by row "
             "after %d rounds", buckets, dr->v->uncompared, DRILL_ROUNDS);
    verify_finding(dr->x, dr->v, VF_COUNT, NULL, NULL, NULL, NULL, msg);
}

int verify_rows(VerifyCtx *x, VerifyTable *v, SyncDiff *d)
{
    Drill dr;
    memset(&dr, 0, sizeof dr);
    dr.x = x;
    dr.v = v;
    dr.t = v->t;
    dr.d = d;
    dr.values = v->depth == VD_VALUES;
    dr.inround = xcalloc((size_t)d->nb, 1);
    buf_init(&dr.store);
    buf_init(&dr.kf);
    buf_init(&dr.krec);
    buf_init(&dr.field);
    batch_init(&dr.b);
    dr.st.table = v->t->label;
    dr.rc = rowconv_open(&x->L, v->t, &dr.st, &x->s->e);
    int rc = dr.rc ? PGM_OK : PGM_FAIL;
    long from = 0;
    for (int round = 0; rc == PGM_OK && round < DRILL_ROUNDS && next_round(&dr, &from); round++) {
        dr.rownum = 0;
        rc = exec_each_row(x->s->src, dr.t->src_sql, round_row, &dr, &x->s->e);
        if (rc == PGM_OK)
            rc = scan_target(&dr);
        if (rc == PGM_OK)
            rc = report_values(&dr);
        if (rc == PGM_OK)
            report_missing(&dr);
        round_reset(&dr);
    }
    if (rc == PGM_OK)
        count_uncompared(&dr, from);
    drill_free(&dr);
    return rc;
}
