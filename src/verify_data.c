/* verify_data.c - one table of pgmap verify: the source converted through
 * the plan, summed per hash bucket (sync_diff.h) while the server sums the
 * target, then the buckets that differ compared row by row (verify_rows.c).
 * The counts form compares only row counts.
 *
 * Why the sync machinery: it already turns a converted row into exactly
 * the text the server prints for it (canon.h), so both sides hash the same
 * bytes, and a bucket of about 256 rows is the "range" that is compared
 * row by row.  A hash needs no common order of keys, which SQLite and
 * PostgreSQL do not share (see sync_diff.h). */
#include "verify_internal.h"
#include "canon.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the distinct keys of a dedup table ---- */

/* Keys are kept as 64-bit hashes: 16 bytes a key at most half full.  A
 * table with more distinct keys than this is compared by counts. */
#define DEDUP_MAX_KEYS (1L << 21)

typedef struct KeySet {
    uint64_t *h;
    size_t cap, n;
    int full;
} KeySet;

/* 1 when the hash was new; 0 when seen; -1 when the set is full. */
static int keyset_add(KeySet *k, uint64_t h)
{
    if (h == 0)
        h = 1;   /* 0 marks an empty slot */
    if (k->n * 2 >= k->cap) {
        if (k->n >= (size_t)DEDUP_MAX_KEYS) {
            k->full = 1;
            return -1;
        }
        size_t ncap = k->cap ? k->cap * 2 : 1024;
        uint64_t *nh = xcalloc(ncap, sizeof *nh);
        for (size_t i = 0; i < k->cap; i++) {
            if (!k->h[i])
                continue;
            size_t j = (size_t)(k->h[i] % ncap);
            while (nh[j])
                j = (j + 1) % ncap;
            nh[j] = k->h[i];
        }
        free(k->h);
        k->h = nh;
        k->cap = ncap;
    }
    size_t j = (size_t)(h % k->cap);
    while (k->h[j]) {
        if (k->h[j] == h)
            return 0;
        j = (j + 1) % k->cap;
    }
    k->h[j] = h;
    k->n++;
    return 1;
}

/* ---- the pass over the source ---- */

typedef struct VPass {
    VerifyCtx *x;
    VerifyTable *v;
    const PlanTable *t;
    SyncDiff *d;
    RowConv *rc;
    TableStats st;
    Batch b;
    Buf kf;
    KeySet keys;
    HashPipe pipe;
} VPass;

/* The key fields of a COPY line, joined by tabs, into out. */
static void key_fields(const PlanTable *t, const char *line, size_t len, Buf *out)
{
    buf_reset(out);
    for (size_t k = 0; k < t->nkey; k++) {
        size_t f = 0, start = 0, i = 0;
        for (; i <= len; i++) {
            if (i < len && line[i] != '\t')
                continue;
            if (f++ == (size_t)t->key[k])
                break;
            start = i + 1;
        }
        if (k)
            buf_putc(out, '\t');
        buf_append(out, line + start, (i <= len ? i : len) - start);
    }
}

static int pass_sum(void *arg, const Value *row)
{
    VPass *ps = arg;
    int got = rowconv_row(ps->rc, row, &ps->b, 0);
    if (got <= 0) {
        batch_clear(&ps->b);
        return got < 0 ? PGM_FAIL : PGM_OK;
    }
    const char *line = ps->b.data.data;
    size_t len = ps->b.off[1] - 1;
    const char *id = ps->b.ids.data;
    if (refused_has(&ps->x->refused, ps->t->label, id)) {
        ps->v->refused++;
    } else if (ps->d->key_only) {
        key_fields(ps->t, line, len, &ps->kf);
        int32_t h1, h2;
        canon_hash(ps->kf.data ? ps->kf.data : "", ps->kf.len, &h1, &h2);
        int fresh = keyset_add(&ps->keys, ((uint64_t)(uint32_t)h1 << 32) | (uint32_t)h2);
        if (fresh > 0)
            syncdiff_add_key(ps->d, ps->kf.data ? ps->kf.data : "", ps->kf.len);
        else if (fresh == 0)
            ps->v->deduplicated++;
    } else {
        hashpipe_add(&ps->pipe, line, len);
    }
    batch_clear(&ps->b);
    return PGM_OK;
}

static void vpass_free(VPass *ps)
{
    rowconv_close(ps->rc);
    batch_free(&ps->b);
    buf_free(&ps->kf);
    free(ps->keys.h);
}

/* The source pass with the target's sums computed at the same time (the
 * server scans while pgmap converts: two cores), unless a lookup needs the
 * connection while rows convert. */
static int sum_both_sides(VPass *ps)
{
    VerifyCtx *x = ps->x;
    PGconn *c = x->s->c;
    int overlap = !exec_lookups_need_connection(ps->t);
    if (overlap && syncdiff_send(ps->d, c, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    hashpipe_start(&ps->pipe, ps->d);   /* else the sums are added inline */
    int rc = exec_each_row(x->s->src, ps->t->src_sql, pass_sum, ps, &x->s->e);
    hashpipe_finish(&ps->pipe);
    if (rc != PGM_OK) {
        if (overlap)
            syncdiff_abandon(ps->d, c);
        return PGM_FAIL;
    }
    if (!overlap && syncdiff_send(ps->d, c, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    long same = 0;
    return syncdiff_compare(ps->d, c, &same, &x->s->e);
}

static void count_differences(VerifyCtx *x, VerifyTable *v)
{
    if (v->expected == v->target)
        return;
    char msg[160];
    snprintf(msg, sizeof msg, "the mapping makes %ld rows, the target holds %ld", v->expected,
             v->target);
    verify_finding(x, v, VF_COUNT, NULL, NULL, NULL, NULL, msg);
}

int verify_table(VerifyCtx *x, size_t i)
{
    VerifyTable *v = &x->tabs[i];
    const PlanTable *t = v->t;
    if (t->dedup) {
        v->depth = VD_KEYS;
        v->note = "keys only: a dedup winner is chosen among all rows of its key";
    }
    SyncDiff d;
    VPass ps;
    memset(&ps, 0, sizeof ps);
    ps.x = x;
    ps.v = v;
    ps.t = t;
    ps.d = &d;
    ps.st.table = t->label;
    batch_init(&ps.b);
    buf_init(&ps.kf);
    int rc = syncdiff_init(&d, t, x->s->c, v->depth == VD_KEYS, NULL, &x->s->e);
    if (rc == PGM_OK) {
        ps.rc = rowconv_open(&x->L, t, &ps.st, &x->s->e);
        rc = ps.rc ? exec_prepare_lookups(x->s->c, t, &x->s->e) : PGM_FAIL;
    }
    if (rc == PGM_OK)
        rc = sum_both_sides(&ps);
    v->read = ps.st.read;
    v->rejected = ps.st.rejected;
    v->target = (long)d.target_rows;
    v->expected = v->read - v->rejected - v->refused - v->deduplicated;
    if (rc == PGM_OK && ps.keys.full) {
        v->depth = VD_COUNTS;
        v->note = "counts only: the dedup table has more distinct keys than verify holds";
        count_differences(x, v);
    } else if (rc == PGM_OK) {
        if (x->verbose)
            fprintf(stderr, "pgmap: verify: %s: %ld of %ld buckets differ\n", t->label, d.ndiffer, d.nb);
        if (d.ndiffer)
            rc = verify_rows(x, v, &d);
    }
    syncdiff_free(&d);
    vpass_free(&ps);
    return rc;
}

/* ---- counts only ---- */

static int count_source(VerifyCtx *x, const PlanTable *t, long *out)
{
    Reader *src = x->s->src;
    Buf sql;
    buf_init(&sql);
    buf_printf(&sql, "SELECT count(*) FROM (%s) AS pgmap_q", t->src_sql);
    Cursor *cur = NULL;
    Value row[1];
    int rc = src->ops->query(src, sql.data, &cur, &x->s->e);
    if (rc == PGM_OK && src->ops->next(cur, row, &x->s->e) != 1)
        rc = PGM_FAIL;
    if (rc == PGM_OK)
        *out = row[0].kind == VAL_INT ? (long)row[0].i : atol(row[0].s ? row[0].s : "0");
    if (cur)
        src->ops->cursor_close(cur);
    buf_free(&sql);
    return rc;
}

static int count_target(VerifyCtx *x, const PlanTable *t, long *out)
{
    Buf sql;
    buf_init(&sql);
    buf_puts(&sql, "SELECT count(*) FROM ");
    pg_quote_qualified(x->s->c, &sql, t->tgt.schema, t->tgt.name);
    PGresult *r = pg_query(x->s->c, sql.data, 0, NULL, &x->s->e);
    buf_free(&sql);
    if (!r)
        return PGM_FAIL;
    *out = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return PGM_OK;
}

/* The rows the last run rejected for a table, from the rejects file: the
 * counts form does not convert, so it takes the run's word for them. */
static long rejected_in_file(const RefusedSet *r, const char *table)
{
    long n = 0;
    size_t tl = strlen(table);
    for (size_t i = 0; i < r->cap; i++)
        if (r->keys[i] && strncmp(r->keys[i], table, tl) == 0 && r->keys[i][tl] == '\1')
            n++;
    return n;
}

int verify_counts(VerifyCtx *x, size_t i)
{
    VerifyTable *v = &x->tabs[i];
    const PlanTable *t = v->t;
    v->depth = VD_COUNTS;
    if (count_source(x, t, &v->read) != PGM_OK || count_target(x, t, &v->target) != PGM_OK)
        return PGM_FAIL;
    v->refused = rejected_in_file(&x->refused, t->label);
    v->expected = v->read - v->refused;
    if (t->dedup) {
        v->note = "dedup table: the source counts rows before dedup";
        v->expected = -1;
        return PGM_OK;
    }
    count_differences(x, v);
    return PGM_OK;
}
