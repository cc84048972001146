/* state_run.c - runs and checkpoints in the pgmap state schema (see
 * state.h).  Every value travels as a parameter; numbers are written as
 * text parameters too, so one helper covers every statement. */
#include "state.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void state_table_free(StateTable *t)
{
    free(t->table);
    free(t->status);
    free(t->fingerprint);
    free(t->shape);
    statepos_free(&t->pos);
}

void state_run_free(StateRun *r)
{
    for (size_t i = 0; i < r->ncreated; i++)
        free(r->created[i]);
    free(r->created);
    for (size_t i = 0; i < r->n; i++)
        state_table_free(&r->tables[i]);
    free(r->tables);
    memset(r, 0, sizeof *r);
}

const StateTable *state_run_table(const StateRun *r, const char *table)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->tables[i].table, table) == 0)
            return &r->tables[i];
    return NULL;
}

static int load_checkpoints(PGconn *c, const char *mapping, StateRun *out, PgmError *e)
{
    const char *params[] = {mapping};
    PGresult *r = pg_query(c, "SELECT table_name, status, fingerprint, shape, rows_read, inserted, "
                              "updated, unchanged, rejected, deleted, rejects_offset, "
                              "coalesce(position_kinds, '') FROM pgmap.checkpoints WHERE mapping = $1 "
                              "ORDER BY table_name", 1, params, e);
    if (!r)
        return PGM_FAIL;
    out->n = (size_t)PQntuples(r);
    out->tables = xcalloc(out->n + 1, sizeof *out->tables);
    for (size_t i = 0; i < out->n; i++) {
        StateTable *t = &out->tables[i];
        int row = (int)i;
        t->table = xstrdup(PQgetvalue(r, row, 0));
        t->status = xstrdup(PQgetvalue(r, row, 1));
        t->fingerprint = xstrdup(PQgetvalue(r, row, 2));
        t->shape = xstrdup(PQgetvalue(r, row, 3));
        t->counts.read = atol(PQgetvalue(r, row, 4));
        t->counts.inserted = atol(PQgetvalue(r, row, 5));
        t->counts.updated = atol(PQgetvalue(r, row, 6));
        t->counts.unchanged = atol(PQgetvalue(r, row, 7));
        t->counts.rejected = atol(PQgetvalue(r, row, 8));
        t->deleted = atol(PQgetvalue(r, row, 9));
        t->rejects_offset = atol(PQgetvalue(r, row, 10));
        const char *kinds = PQgetvalue(r, row, 11);
        t->pos.kinds = xstrdup(kinds);
        t->pos.n = strlen(kinds);
        t->pos.vals = xcalloc(t->pos.n + 1, sizeof *t->pos.vals);
    }
    PQclear(r);
    /* one row per position element, in order */
    r = pg_query(c, "SELECT c.table_name, p.ord, p.val FROM pgmap.checkpoints c, "
                    "unnest(c.position) WITH ORDINALITY AS p(val, ord) WHERE c.mapping = $1",
                 1, params, e);
    if (!r)
        return PGM_FAIL;
    for (int i = 0; i < PQntuples(r); i++) {
        StateTable *t = (StateTable *)state_run_table(out, PQgetvalue(r, i, 0));
        size_t ord = (size_t)atol(PQgetvalue(r, i, 1));
        if (t && ord >= 1 && ord <= t->pos.n && !t->pos.vals[ord - 1])
            t->pos.vals[ord - 1] = xstrdup(PQgetvalue(r, i, 2));
    }
    PQclear(r);
    for (size_t i = 0; i < out->n; i++)
        for (size_t k = 0; k < out->tables[i].pos.n; k++)
            if (!out->tables[i].pos.vals[k])
                out->tables[i].pos.vals[k] = xstrdup("");
    return PGM_OK;
}

int state_unfinished(PGconn *c, const char *mapping, StateRun *out, PgmError *e)
{
    memset(out, 0, sizeof *out);
    const char *params[] = {mapping};
    PGresult *r = pg_query(c, "SELECT unfinished_run, after_pending, m.c FROM pgmap.mappings, "
                              "unnest(created || ARRAY[NULL]::text[]) AS m(c) "
                              "WHERE mapping = $1 AND unfinished_run IS NOT NULL", 1, params, e);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    out->run_id = atol(PQgetvalue(r, 0, 0));
    out->after_pending = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
    out->created = xcalloc((size_t)PQntuples(r) + 1, sizeof *out->created);
    for (int i = 0; i < PQntuples(r); i++)
        if (!PQgetisnull(r, i, 2))
            out->created[out->ncreated++] = xstrdup(PQgetvalue(r, i, 2));
    PQclear(r);
    if (load_checkpoints(c, mapping, out, e) != PGM_OK) {
        state_run_free(out);
        return -1;
    }
    return 1;
}

long state_begin_run(PGconn *c, const char *mapping, const char *command, const char *fingerprint,
                     const char *options_json, long resumed_from, PgmError *e)
{
    char from[32];
    snprintf(from, sizeof from, "%ld", resumed_from);
    const char *params[] = {mapping, command, fingerprint, options_json, resumed_from > 0 ? from : NULL};
    PGresult *r = pg_query(c, "INSERT INTO pgmap.runs (mapping, command, fingerprint, options, "
                              "resumed_from, status) VALUES ($1, $2, $3, $4::jsonb, $5::bigint, "
                              "'running') RETURNING run_id", 5, params, e);
    if (!r)
        return -1;
    long id = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    /* the mapping's lock is ours: a run still "running" died */
    char ids[32];
    snprintf(ids, sizeof ids, "%ld", id);
    const char *p3[] = {mapping, ids};
    if (pg_command(c, "UPDATE pgmap.runs SET status = 'interrupted', ended_at = clock_timestamp() "
                      "WHERE mapping = $1 AND status = 'running' AND run_id < $2::bigint", 2, p3, e) < 0)
        return -1;
    return id;
}

int state_set_unfinished(PGconn *c, const char *mapping, long run_id, char *const *created,
                         size_t ncreated, PgmError *e)
{
    Buf arr;
    buf_init(&arr);
    buf_putc(&arr, '[');
    for (size_t i = 0; i < ncreated; i++) {
        if (i)
            buf_putc(&arr, ',');
        json_append_string(&arr, created[i], strlen(created[i]));
    }
    buf_putc(&arr, ']');
    char id[32];
    snprintf(id, sizeof id, "%ld", run_id);
    const char *params[] = {mapping, id, arr.data};
    long n = pg_command(c, "INSERT INTO pgmap.mappings AS m (mapping, unfinished_run, after_pending, created) "
                           "SELECT $1, $2::bigint, jsonb_array_length($3::jsonb) > 0, "
                           "ARRAY(SELECT jsonb_array_elements_text($3::jsonb)) "
                           "ON CONFLICT (mapping) DO UPDATE SET unfinished_run = EXCLUDED.unfinished_run, "
                           "after_pending = EXCLUDED.after_pending, created = EXCLUDED.created",
                        3, params, e);
    buf_free(&arr);
    return n < 0 ? PGM_FAIL : PGM_OK;
}

int state_reset_table(PGconn *c, const char *mapping, long run_id, const char *table,
                      const char *fingerprint, const char *shape, PgmError *e)
{
    char id[32];
    snprintf(id, sizeof id, "%ld", run_id);
    const char *params[] = {mapping, table, id, fingerprint, shape};
    long n = pg_command(c, "INSERT INTO pgmap.checkpoints AS k (mapping, table_name, run_id, status, "
                           "fingerprint, shape) VALUES ($1, $2, $3::bigint, 'pending', $4, $5) "
                           "ON CONFLICT (mapping, table_name) DO UPDATE SET run_id = EXCLUDED.run_id, "
                           "status = 'pending', fingerprint = EXCLUDED.fingerprint, shape = EXCLUDED.shape, "
                           "position = NULL, position_kinds = NULL, rows_read = 0, inserted = 0, "
                           "updated = 0, unchanged = 0, rejected = 0, deleted = 0, rejects_offset = 0, "
                           "updated_at = clock_timestamp()", 5, params, e);
    return n < 0 ? PGM_FAIL : PGM_OK;
}

int state_checkpoint(PGconn *c, const char *mapping, long run_id, const char *table,
                     const char *status, const StatePos *pos, const TableStats *st,
                     long rejects_offset, PgmError *e)
{
    char num[8][32];
    long vals[] = {run_id, st->read, st->inserted, st->updated, st->unchanged, st->rejected,
                   st->deleted, rejects_offset};
    for (int i = 0; i < 8; i++)
        snprintf(num[i], sizeof num[i], "%ld", vals[i]);
    Buf json;
    buf_init(&json);
    if (pos && pos->n)
        statepos_json(pos, &json);
    const char *params[] = {mapping, table, status, num[0], pos && pos->n ? json.data : NULL,
                            pos && pos->n ? pos->kinds : NULL, num[1], num[2], num[3], num[4],
                            num[5], num[6], num[7]};
    long n = pg_command(c, "UPDATE pgmap.checkpoints SET status = $3, run_id = $4::bigint, "
                           "position = ARRAY(SELECT jsonb_array_elements_text($5::jsonb)), "
                           "position_kinds = $6, rows_read = $7::bigint, inserted = $8::bigint, "
                           "updated = $9::bigint, unchanged = $10::bigint, rejected = $11::bigint, "
                           "deleted = $12::bigint, rejects_offset = $13::bigint, "
                           "updated_at = clock_timestamp() WHERE mapping = $1 AND table_name = $2",
                        13, params, e);
    buf_free(&json);
    if (n == 0) {
        /* a table the run did not register: a state someone edited */
        err_set(e, "pgmap state: no checkpoint row for %s of mapping %s", table, mapping);
        return PGM_FAIL;
    }
    return n < 0 ? PGM_FAIL : PGM_OK;
}

static int run_tables_insert(PGconn *c, long run_id, const Report *rep, PgmError *e)
{
    char id[32];
    snprintf(id, sizeof id, "%ld", run_id);
    for (size_t i = 0; i < rep->ntables; i++) {
        const TableStats *s = &rep->tables[i];
        if (!s->table)
            continue;
        char n[7][32];
        long v[] = {s->read, s->inserted, s->updated, s->deleted, s->unchanged, s->rejected};
        for (int k = 0; k < 6; k++)
            snprintf(n[k], sizeof n[k], "%ld", v[k]);
        snprintf(n[6], sizeof n[6], "%.3f", s->seconds);
        const char *params[] = {id, s->table, n[0], n[1], n[2], n[3], n[4], n[5], n[6], s->note};
        if (pg_command(c, "INSERT INTO pgmap.run_tables VALUES ($1::bigint, $2, $3::bigint, $4::bigint, "
                          "$5::bigint, $6::bigint, $7::bigint, $8::bigint, $9::float8, $10) "
                          "ON CONFLICT (run_id, table_name) DO NOTHING", 10, params, e) < 0)
            return PGM_FAIL;
    }
    return PGM_OK;
}

int state_end_run(PGconn *c, const char *mapping, long run_id, const char *status,
                  const char *message, const Report *rep, int completed, PgmError *e)
{
    char id[32], n[6][32];
    snprintf(id, sizeof id, "%ld", run_id);
    long v[6] = {0};
    for (size_t i = 0; rep && i < rep->ntables; i++) {
        const TableStats *s = &rep->tables[i];
        const long add[] = {s->read, s->inserted, s->updated, s->deleted, s->unchanged, s->rejected};
        for (int k = 0; k < 6; k++)
            v[k] += add[k];
    }
    for (int k = 0; k < 6; k++)
        snprintf(n[k], sizeof n[k], "%ld", v[k]);
    const char *params[] = {id, status, message, n[0], n[1], n[2], n[3], n[4], n[5]};
    if (pg_command(c, "UPDATE pgmap.runs SET status = $2, message = $3, ended_at = clock_timestamp(), "
                      "rows_read = $4::bigint, inserted = $5::bigint, updated = $6::bigint, "
                      "deleted = $7::bigint, unchanged = $8::bigint, rejected = $9::bigint "
                      "WHERE run_id = $1::bigint", 9, params, e) < 0)
        return PGM_FAIL;
    if (rep && run_tables_insert(c, run_id, rep, e) != PGM_OK)
        return PGM_FAIL;
    if (!completed)
        return PGM_OK;
    const char *p2[] = {mapping, id};
    return pg_command(c, "UPDATE pgmap.mappings SET unfinished_run = NULL, after_pending = false, "
                         "created = '{}' WHERE mapping = $1 AND unfinished_run = $2::bigint",
                      2, p2, e) < 0 ? PGM_FAIL : PGM_OK;
}

int state_abandon(PGconn *c, const char *mapping, long run_id, PgmError *e)
{
    char id[32];
    snprintf(id, sizeof id, "%ld", run_id);
    const char *params[] = {mapping, id};
    if (pg_command(c, "UPDATE pgmap.runs SET status = 'abandoned', ended_at = coalesce(ended_at, "
                      "clock_timestamp()) WHERE run_id = $2::bigint AND mapping = $1", 2, params, e) < 0)
        return PGM_FAIL;
    return pg_command(c, "UPDATE pgmap.mappings SET unfinished_run = NULL, after_pending = false, "
                         "created = '{}' WHERE mapping = $1", 1, params, e) < 0 ? PGM_FAIL : PGM_OK;
}

int state_has_completed_run(PGconn *c, const char *mapping, PgmError *e)
{
    const char *params[] = {mapping};
    PGresult *r = pg_query(c, "SELECT EXISTS (SELECT 1 FROM pgmap.runs WHERE mapping = $1 AND "
                              "status IN ('done', 'warnings'))", 1, params, e);
    if (!r)
        return -1;
    int yes = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return yes;
}
