/* state.c - the pgmap state schema: creating and upgrading it, the
 * per-mapping advisory lock, and source positions (see state.h). */
#include "state.h"
#include "pgconn.h"
#include "pgtype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each step takes the schema from version i to i + 1.  Steps are never
 * edited once released: a database written by an older pgmap is upgraded
 * by running the steps it lacks, in order, in one transaction. */
static const char *const STEPS[STATE_VERSION] = {
    /* 1: runs, per-mapping state and table checkpoints */
    "CREATE SCHEMA IF NOT EXISTS pgmap;"
    "CREATE TABLE pgmap.version (version integer NOT NULL);"
    "INSERT INTO pgmap.version VALUES (0);"
    "CREATE TABLE pgmap.mappings (mapping text PRIMARY KEY, unfinished_run bigint,"
    " after_pending boolean NOT NULL DEFAULT false, created text[] NOT NULL DEFAULT '{}');"
    "CREATE TABLE pgmap.runs (run_id bigserial PRIMARY KEY, mapping text NOT NULL,"
    " command text NOT NULL, fingerprint text NOT NULL, options jsonb NOT NULL DEFAULT '{}',"
    " resumed_from bigint, started_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    " ended_at timestamptz, status text NOT NULL, message text,"
    " rows_read bigint NOT NULL DEFAULT 0, inserted bigint NOT NULL DEFAULT 0,"
    " updated bigint NOT NULL DEFAULT 0, unchanged bigint NOT NULL DEFAULT 0,"
    " rejected bigint NOT NULL DEFAULT 0);"
    "CREATE INDEX ON pgmap.runs (mapping, run_id);"
    "CREATE TABLE pgmap.checkpoints (mapping text NOT NULL, table_name text NOT NULL,"
    " run_id bigint NOT NULL, status text NOT NULL, fingerprint text NOT NULL, shape text NOT NULL,"
    " position text[], position_kinds text, rows_read bigint NOT NULL DEFAULT 0,"
    " inserted bigint NOT NULL DEFAULT 0, updated bigint NOT NULL DEFAULT 0,"
    " unchanged bigint NOT NULL DEFAULT 0, rejected bigint NOT NULL DEFAULT 0,"
    " rejects_offset bigint NOT NULL DEFAULT 0, updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    " PRIMARY KEY (mapping, table_name));",
    /* 2: pgmap sync: deletes, per-table counts of each run, cursor marks */
    "ALTER TABLE pgmap.runs ADD COLUMN deleted bigint NOT NULL DEFAULT 0;"
    "ALTER TABLE pgmap.checkpoints ADD COLUMN deleted bigint NOT NULL DEFAULT 0;"
    "CREATE TABLE pgmap.run_tables (run_id bigint NOT NULL REFERENCES pgmap.runs ON DELETE CASCADE,"
    " table_name text NOT NULL, rows_read bigint NOT NULL, inserted bigint NOT NULL,"
    " updated bigint NOT NULL, deleted bigint NOT NULL, unchanged bigint NOT NULL,"
    " rejected bigint NOT NULL, seconds double precision NOT NULL, note text,"
    " PRIMARY KEY (run_id, table_name));"
    "CREATE TABLE pgmap.cursors (mapping text NOT NULL, table_name text NOT NULL,"
    " cursor_column text NOT NULL, mark text NOT NULL, mark_kind text NOT NULL,"
    " run_id bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    " PRIMARY KEY (mapping, table_name));",
};

/* -1 on error, 0 when there is no state schema yet, else its version. */
static int current_version(PGconn *c, PgmError *e)
{
    PGresult *r = pg_query(c, "SELECT to_regclass('pgmap.version') IS NOT NULL", 0, NULL, e);
    if (!r)
        return -1;
    int exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists)
        return 0;
    r = pg_query(c, "SELECT max(version) FROM pgmap.version", 0, NULL, e);
    if (!r)
        return -1;
    int v = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return v;
}

static int upgrade(PGconn *c, int from, PgmError *e)
{
    for (int v = from; v < STATE_VERSION; v++) {
        if (pg_exec(c, STEPS[v], e) != PGM_OK) {
            err_prefix(e, "upgrading the pgmap state schema to version %d", v + 1);
            return PGM_FAIL;
        }
    }
    char sql[64];
    snprintf(sql, sizeof sql, "UPDATE pgmap.version SET version = %d", STATE_VERSION);
    return pg_exec(c, sql, e);
}

int state_open(PGconn *c, PgmError *e)
{
    /* A transaction-level lock serialises two pgmaps creating the schema
     * at the same moment; the key is pgmap's own ("pgmap" in ASCII). */
    if (pg_exec(c, "BEGIN", e) != PGM_OK)
        return PGM_FAIL;
    PGresult *lr = pg_query(c, "SELECT pg_advisory_xact_lock(1885826401)", 0, NULL, e);
    if (!lr)
        return PGM_FAIL;
    PQclear(lr);
    int v = current_version(c, e);
    int rc = v < 0 ? PGM_FAIL : PGM_OK;
    if (v > STATE_VERSION) {
        err_set(e, "the pgmap state schema in the target has version %d, written by a newer pgmap; "
                   "this pgmap knows versions up to %d: upgrade pgmap", v, STATE_VERSION);
        rc = PGM_FAIL;
    } else if (rc == PGM_OK && v < STATE_VERSION) {
        rc = upgrade(c, v, e);
    }
    PgmError ce = {0};
    if (pg_exec(c, rc == PGM_OK ? "COMMIT" : "ROLLBACK", &ce) != PGM_OK && rc == PGM_OK) {
        *e = ce;
        rc = PGM_FAIL;
    }
    return rc;
}

int state_lock(PGconn *c, const char *mapping, PgmError *e)
{
    const char *params[] = {mapping};
    /* Session level: held across the run's many transactions, released
     * when the connection closes, whatever way pgmap ends. */
    PGresult *r = pg_query(c, "SELECT pg_try_advisory_lock(1885826401, hashtext($1))", 1, params, e);
    if (!r)
        return PGM_FAIL;
    int got = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (got)
        return PGM_OK;
    r = pg_query(c, "SELECT a.pid, a.application_name, a.backend_start::text FROM pg_locks l "
                    "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                    "AND l.classid = 1885826401 AND l.objid = hashtext($1)::oid AND l.granted LIMIT 1",
                 1, params, e);
    if (r && PQntuples(r) == 1)
        err_set(e, "another pgmap run or sync of mapping \"%s\" is in progress (server pid %s, %s, "
                   "connected %s); try again when it has finished", mapping, PQgetvalue(r, 0, 0),
                PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2));
    else
        err_set(e, "another pgmap run or sync of mapping \"%s\" is in progress; try again when it "
                   "has finished", mapping);
    PQclear(r);
    return STATE_BUSY;
}

/* ---- positions ---- */

void statepos_free(StatePos *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->vals[i]);
    free(p->vals);
    free(p->kinds);
    memset(p, 0, sizeof *p);
}

void statepos_add(StatePos *p, const Value *v)
{
    static const char hex[] = "0123456789abcdef";
    p->vals = xrealloc(p->vals, (p->n + 1) * sizeof *p->vals);
    p->kinds = xrealloc(p->kinds, p->n + 2);
    Buf b;
    buf_init(&b);
    char kind = 't';
    switch (v->kind) {
    case VAL_INT: case VAL_BOOL: kind = 'i'; buf_printf(&b, "%lld", (long long)v->i); break;
    case VAL_REAL: kind = 'r'; buf_printf(&b, "%.17g", v->d); break;
    case VAL_BLOB:
        kind = 'b';
        for (size_t i = 0; i < v->len; i++) {
            buf_putc(&b, hex[(unsigned char)v->s[i] >> 4]);
            buf_putc(&b, hex[(unsigned char)v->s[i] & 15]);
        }
        break;
    case VAL_NULL: kind = 'n'; break;
    default:
        /* text goes through JSON and a text[]: bytes that are not clean
         * UTF-8 (NUL, invalid sequences) are kept exactly as hex */
        if (utf8_valid(v->s, v->len) && !memchr(v->s, '\0', v->len)) {
            buf_append(&b, v->s, v->len);
            break;
        }
        kind = 'h';
        for (size_t i = 0; i < v->len; i++) {
            buf_putc(&b, hex[(unsigned char)v->s[i] >> 4]);
            buf_putc(&b, hex[(unsigned char)v->s[i] & 15]);
        }
        break;
    }
    p->vals[p->n] = b.data ? buf_steal(&b) : xstrdup("");
    p->kinds[p->n++] = kind;
    p->kinds[p->n] = '\0';
}

static int hexval(char ch)
{
    return ch >= 'a' ? ch - 'a' + 10 : ch - '0';
}

Value statepos_value(const StatePos *p, size_t i, Arena *a)
{
    const char *s = p->vals[i];
    switch (p->kinds[i]) {
    case 'i': return value_int(strtoll(s, NULL, 10));
    case 'r': return value_real(strtod(s, NULL));
    case 'n': return value_null();
    case 'b': case 'h': {
        size_t n = strlen(s) / 2;
        char *d = arena_alloc(a, n + 1);
        for (size_t k = 0; k < n; k++)
            d[k] = (char)(hexval(s[2 * k]) << 4 | hexval(s[2 * k + 1]));
        return p->kinds[i] == 'b' ? value_blob(d, n) : value_text(d, n);
    }
    default: return value_text(s, strlen(s));
    }
}

void statepos_json(const StatePos *p, Buf *out)
{
    buf_putc(out, '[');
    for (size_t i = 0; i < p->n; i++) {
        if (i)
            buf_putc(out, ',');
        json_append_string(out, p->vals[i], strlen(p->vals[i]));
    }
    buf_putc(out, ']');
}
