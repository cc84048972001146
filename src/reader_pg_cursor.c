/* reader_pg_cursor.c - the queries of the PostgreSQL source.  A query is
 * prepared at once (a bad one fails with the server's message before
 * anything is read), then streamed through a server-side cursor declared
 * at the first next() with the bound parameters, FETCH by FETCH: a table
 * is never held in memory, and any number of cursors can be open at once
 * on one connection (sync and init interleave them).  Each value becomes
 * an integer, a boolean, a blob (bytea) or the server's text; a domain
 * counts as its base type.
 *
 * COPY TO STDOUT would be faster than FETCH, but a connection runs one COPY
 * at a time while cursors must interleave; it would need a second
 * connection sharing the snapshot (pg_export_snapshot), not done yet. */
#include "reader_pg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Built-in type OIDs (fixed in pg_type.dat, the same on every server). */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26 };

/* FETCH sizes.  The first chunk is small because nothing is known about
 * the rows yet (a table of 10 MB documents must not fetch 2000 of them);
 * then each chunk aims at CHUNK_BYTES, at most FETCH_MAX rows: past a few
 * thousand rows the round trip per FETCH is already negligible next to
 * converting and loading the rows, and memory stays small. */
#define FETCH_FIRST 64
#define FETCH_MAX 5000
#define CHUNK_BYTES (4 << 20)

typedef enum ColKind { CK_TEXT, CK_INT, CK_BOOL, CK_BYTEA } ColKind;

struct Cursor {
    PgReader *r;
    char stmt[40], portal[40];
    char *sql;
    PGresult *desc;         /* PQdescribePrepared: column names */
    size_t ncols;
    ColKind *kinds;
    Buf *blobs;             /* per column: decoded bytea of the current row */
    char **params;          /* bound values as text (NULL = SQL NULL) */
    int nparams;
    int prepared, declared, at_end;
    PGresult *res;          /* the current chunk */
    int row;
    long fetch;             /* rows to ask for next */
};

/* ---- column kinds ---- */

/* By the type the server reports for the column.  For a domain that is
 * already its base type (RowDescription carries getBaseTypeAndTypmod's
 * answer), so a domain over integer reads as an integer. */
static ColKind column_kind(Oid t)
{
    switch (t) {
    case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID: return CK_INT;
    case OID_BOOL: return CK_BOOL;
    case OID_BYTEA: return CK_BYTEA;
    default: return CK_TEXT;
    }
}

/* ---- queries ---- */

void pgr_cursor_close(Cursor *c)
{
    if (!c)
        return;
    PgReader *r = c->r;
    if (PQstatus(r->conn) == CONNECTION_OK && PQtransactionStatus(r->conn) == PQTRANS_INTRANS) {
        Buf b;
        buf_init(&b);
        if (c->declared)
            buf_printf(&b, "CLOSE %s; ", c->portal);
        if (c->prepared)
            buf_printf(&b, "DEALLOCATE %s", c->stmt);
        if (b.len)
            PQclear(PQexec(r->conn, b.data));
        buf_free(&b);
    }
    PQclear(c->res);
    PQclear(c->desc);
    for (size_t i = 0; c->blobs && i < c->ncols; i++)
        buf_free(&c->blobs[i]);
    for (int i = 0; i < c->nparams; i++)
        free(c->params[i]);
    free(c->params);
    free(c->blobs);
    free(c->kinds);
    free(c->sql);
    free(c);
}

/* Runs step inside a savepoint, so that a failure (a bad query, a bad
 * parameter) leaves the read transaction usable for the next query. */
static int in_savepoint(PgReader *r, PGresult *(*step)(Cursor *), Cursor *c, ExecStatusType want,
                        PgmError *e)
{
    if (pgr_exec(r, "SAVEPOINT pgmap_reader", e, "") != PGM_OK)
        return PGM_FAIL;
    PGresult *res = step(c);
    int ok = res && PQresultStatus(res) == want;
    if (!ok)
        pgr_fail_result(r, res, e, "");
    PQclear(res);
    if (pgr_exec(r, ok ? "RELEASE SAVEPOINT pgmap_reader"
                      : "ROLLBACK TO SAVEPOINT pgmap_reader; RELEASE SAVEPOINT pgmap_reader",
                ok ? e : NULL, "") != PGM_OK)
        ok = 0;
    return ok ? PGM_OK : PGM_FAIL;
}

static PGresult *prepare_step(Cursor *c)
{
    return PQprepare(c->r->conn, c->stmt, c->sql, 0, NULL);
}

static PGresult *declare_step(Cursor *c)
{
    Buf b;
    buf_init(&b);
    buf_printf(&b, "DECLARE %s NO SCROLL CURSOR FOR %s", c->portal, c->sql);
    PGresult *res = PQexecParams(c->r->conn, b.data, c->nparams, NULL,
                                 (const char *const *)c->params, NULL, NULL, 0);
    buf_free(&b);
    return res;
}

int pgr_query(Reader *base, const char *sql, Cursor **out, PgmError *e)
{
    PgReader *r = (PgReader *)base;
    Cursor *c = xcalloc(1, sizeof *c);
    *out = NULL;
    c->r = r;
    c->sql = xstrdup(sql);
    c->fetch = FETCH_FIRST;
    r->seq++;
    snprintf(c->stmt, sizeof c->stmt, "pgmap_s%lu", r->seq);
    snprintf(c->portal, sizeof c->portal, "pgmap_c%lu", r->seq);
    if (in_savepoint(r, prepare_step, c, PGRES_COMMAND_OK, e) != PGM_OK)
        goto fail;
    c->prepared = 1;
    c->desc = PQdescribePrepared(r->conn, c->stmt);
    if (!c->desc || PQresultStatus(c->desc) != PGRES_COMMAND_OK) {
        pgr_fail_result(r, c->desc, e, "");
        goto fail;
    }
    c->ncols = (size_t)PQnfields(c->desc);
    c->kinds = xcalloc(c->ncols ? c->ncols : 1, sizeof *c->kinds);
    c->blobs = xcalloc(c->ncols ? c->ncols : 1, sizeof *c->blobs);
    for (size_t i = 0; i < c->ncols; i++)
        c->kinds[i] = column_kind(PQftype(c->desc, (int)i));
    *out = c;
    return PGM_OK;
fail:
    pgr_cursor_close(c);
    return PGM_FAIL;
}

size_t pgr_ncolumns(Cursor *c)
{
    return c->ncols;
}

const char *pgr_column_name(Cursor *c, size_t i)
{
    return PQfname(c->desc, (int)i);
}

/* The shortest %g that reads back as the same double. */
static void real_text(double d, char *buf, size_t len)
{
    if (isnan(d) || isinf(d)) {
        snprintf(buf, len, "%s", isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

static char *param_text(const Value *v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[64];
    switch (v->kind) {
    case VAL_INT: snprintf(tmp, sizeof tmp, "%lld", (long long)v->i); return xstrdup(tmp);
    case VAL_REAL: real_text(v->d, tmp, sizeof tmp); return xstrdup(tmp);
    case VAL_BOOL: return xstrdup(v->i ? "true" : "false");
    case VAL_TEXT: return xstrndup(v->s ? v->s : "", v->len);
    case VAL_BLOB: {
        char *s = xmalloc(2 * v->len + 3), *p = s;
        *p++ = '\\';
        *p++ = 'x';
        for (size_t i = 0; i < v->len; i++) {
            *p++ = hex[(unsigned char)v->s[i] >> 4];
            *p++ = hex[(unsigned char)v->s[i] & 15];
        }
        *p = '\0';
        return s;
    }
    default: return NULL;
    }
}

/* Parameters travel as text and take the type the query gives them. */
int pgr_bind(Cursor *c, const Value *params, size_t n, PgmError *e)
{
    if (c->declared) {
        err_set(e, "source %s: parameters bound after reading started", c->r->label);
        return PGM_FAIL;
    }
    for (size_t i = 0; i < n; i++)
        if (params[i].kind == VAL_TEXT && memchr(params[i].s, '\0', params[i].len)) {
            err_set(e, "source %s: parameter %zu contains a NUL byte", c->r->label, i + 1);
            return PGM_FAIL;
        }
    for (int i = 0; i < c->nparams; i++)
        free(c->params[i]);
    free(c->params);
    c->params = xcalloc(n ? n : 1, sizeof *c->params);
    c->nparams = (int)n;
    for (size_t i = 0; i < n; i++)
        c->params[i] = param_text(&params[i]);
    return PGM_OK;
}

/* Fetches the next chunk; the next size follows the bytes per row seen.
 * A failure here (an error while the query runs) aborts the read
 * transaction: the run stops anyway, and later statements say so. */
static int fetch_chunk(Cursor *c, PgmError *e)
{
    char sql[96];
    snprintf(sql, sizeof sql, "FETCH FORWARD %ld FROM %s", c->fetch, c->portal);
    PQclear(c->res);
    c->row = 0;
    c->res = PQexec(c->r->conn, sql);
    if (!c->res || PQresultStatus(c->res) != PGRES_TUPLES_OK) {
        pgr_fail_result(c->r, c->res, e, "");
        PQclear(c->res);
        c->res = NULL;
        return PGM_FAIL;
    }
    int n = PQntuples(c->res);
    c->at_end = n < c->fetch;
    size_t bytes = 0;
    for (int i = 0; i < n; i++)
        for (size_t j = 0; j < c->ncols; j++)
            bytes += (size_t)PQgetlength(c->res, i, (int)j) + 8;
    if (n > 0) {
        size_t per_row = bytes / (size_t)n + 1;
        size_t want = CHUNK_BYTES / per_row;
        c->fetch = want < 1 ? 1 : want > FETCH_MAX ? FETCH_MAX : (long)want;
    }
    return PGM_OK;
}

/* bytea's hex output ("\x0a1b...") decoded into the column's buffer. */
static int decode_bytea(Cursor *c, size_t col, const char *s, size_t len, Value *v, PgmError *e)
{
    Buf *b = &c->blobs[col];
    buf_reset(b);
    if (len < 2 || s[0] != '\\' || s[1] != 'x' || len % 2) {
        err_set(e, "source %s: column %s: bytea not in hex form", c->r->label, PQfname(c->desc, (int)col));
        return PGM_FAIL;
    }
    size_t n = (len - 2) / 2;
    buf_append(b, s, n); /* sizes the buffer at once; overwritten below */
    for (size_t i = 0; i < n; i++) {
        int hi = pgr_hexval(s[2 + 2 * i]), lo = pgr_hexval(s[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            err_set(e, "source %s: column %s: bad bytea hex", c->r->label, PQfname(c->desc, (int)col));
            return PGM_FAIL;
        }
        b->data[i] = (char)(hi * 16 + lo);
    }
    *v = value_blob(b->data ? b->data : "", n);
    return PGM_OK;
}

static int row_values(Cursor *c, Value *row, PgmError *e)
{
    for (size_t i = 0; i < c->ncols; i++) {
        int f = (int)i;
        if (PQgetisnull(c->res, c->row, f)) {
            row[i] = value_null();
            continue;
        }
        const char *s = PQgetvalue(c->res, c->row, f);
        size_t len = (size_t)PQgetlength(c->res, c->row, f);
        switch (c->kinds[i]) {
        case CK_INT: row[i] = value_int(strtoll(s, NULL, 10)); break;
        case CK_BOOL: row[i] = value_bool(s[0] == 't'); break;
        case CK_BYTEA:
            if (decode_bytea(c, i, s, len, &row[i], e) != PGM_OK)
                return -1;
            break;
        default: row[i] = value_text(s, len); break;
        }
    }
    c->row++;
    return 1;
}

/* The cursor is declared at the first call, when the parameters are
 * known; rows then come FETCH by FETCH. */
int pgr_next(Cursor *c, Value *row, PgmError *e)
{
    if (!c->declared) {
        if (in_savepoint(c->r, declare_step, c, PGRES_COMMAND_OK, e) != PGM_OK)
            return -1;
        c->declared = 1;
    }
    if (!c->res || c->row >= PQntuples(c->res)) {
        if (c->res && c->at_end)
            return 0;
        if (fetch_chunk(c, e) != PGM_OK)
            return -1;
        if (PQntuples(c->res) == 0)
            return 0;
    }
    return row_values(c, row, e);
}
