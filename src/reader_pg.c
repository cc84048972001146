/* reader_pg.c - PostgreSQL as a source: the URI, the connection and its
 * session, and the catalog (queries are in reader_pg_cursor.c).
 *
 * One libpq connection per Reader and one REPEATABLE READ READ ONLY
 * transaction for the Reader's whole life, so every table (and sync's
 * second read of a table) comes from one snapshot.  Values arrive as text
 * with fixed session settings (DateStyle ISO, IntervalStyle postgres,
 * extra_float_digits 3, bytea hex, TimeZone UTC), in the forms
 * pgtype_cast accepts unchanged.
 *
 * The URI takes one parameter of pgmap's own, schema=NAME (default
 * public), removed before the URI reaches libpq.  Messages show the URI
 * with its password masked, never the password. */
#include "reader_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgconn.h"

/* ---- messages ---- */

/* libpq messages span lines; pgmap prints one line per failure. */
static void fold(const char *in, char *out, size_t len)
{
    size_t j = 0;
    for (size_t i = 0; in && in[i] && j + 1 < len; i++) {
        char ch = in[i] == '\n' || in[i] == '\r' || in[i] == '\t' ? ' ' : in[i];
        if (ch != ' ' || (j > 0 && out[j - 1] != ' '))
            out[j++] = ch;
    }
    while (j > 0 && out[j - 1] == ' ')
        j--;
    out[j] = '\0';
}

static void fail_conn(PgReader *r, PgmError *e, const char *what)
{
    char line[1536];
    fold(PQerrorMessage(r->conn), line, sizeof line);
    err_set(e, "source %s: %s%s", r->label, what, line);
}

void pgr_fail_result(PgReader *r, const PGresult *res, PgmError *e, const char *what)
{
    char line[1536];
    if (res)
        pg_result_error_line(res, line, sizeof line);
    else
        fold(PQerrorMessage(r->conn), line, sizeof line);
    err_set(e, "source %s: %s%s", r->label, what, line);
}

/* Runs a statement without rows; the result status decides. */
int pgr_exec(PgReader *r, const char *sql, PgmError *e, const char *what)
{
    PGresult *res = PQexec(r->conn, sql);
    int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok && e)
        pgr_fail_result(r, res, e, what);
    PQclear(res);
    return ok ? PGM_OK : PGM_FAIL;
}

/* ---- the URI ---- */

/* Where the URI holds a password, as libpq reads it: after the first ':'
 * of the user info (which ends at the first '@', if that comes before any
 * '/'), and the value of any password= parameter.  Returns how many spans
 * (at most max) were found. */
static size_t password_spans(const char *uri, size_t *off, size_t *len, size_t max)
{
    size_t n = 0;
    const char *auth = strstr(uri, "://");
    auth = auth ? auth + 3 : uri;
    size_t ulen = strcspn(auth, "@/");
    const char *colon = auth[ulen] == '@' ? memchr(auth, ':', ulen) : NULL;
    if (colon && n < max) {
        off[n] = (size_t)(colon + 1 - uri);
        len[n++] = (size_t)(auth + ulen - colon - 1);
    }
    for (const char *q = strchr(auth, '?'); q && n < max; q = strchr(q + 1, '&'))
        if (strncmp(q + 1, "password=", 9) == 0) {
            off[n] = (size_t)(q + 10 - uri);
            len[n++] = strcspn(q + 10, "&");
        }
    return n;
}

/* s with every occurrence of secret[0..n) replaced by "***" (malloc'd). */
static char *mask(const char *s, const char *secret, size_t n)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "");
    for (const char *p = s; *p;) {
        if (n && strncmp(p, secret, n) == 0) {
            buf_puts(&b, "***");
            p += n;
        } else {
            buf_putc(&b, *p++);
        }
    }
    return buf_steal(&b);
}

int pgr_hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Percent-decodes s[0..n) into a malloc'd string; NULL when malformed or
 * when it would hold a NUL byte. */
static char *pct_decode(const char *s, size_t n)
{
    char *out = xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[j++] = s[i];
            continue;
        }
        int hi = i + 2 < n ? pgr_hexval(s[i + 1]) : -1;
        int lo = hi >= 0 ? pgr_hexval(s[i + 2]) : -1;
        if (lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        out[j++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[j] = '\0';
    return out;
}

/* The URI with its passwords replaced by "***", for every message. */
char *reader_masked_uri(const char *uri)
{
    size_t off[4], len[4], n = password_spans(uri, off, len, 4), at = 0;
    Buf b;
    buf_init(&b);
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        buf_append(&b, uri + at, off[i] - at);
        buf_puts(&b, "***");
        at = off[i] + len[i];
    }
    buf_puts(&b, uri + at);
    return buf_steal(&b);
}

/* A libpq message about the URI, passwords masked raw and decoded: libpq
 * quotes a malformed token, and a password can be one. */
static char *masked_message(const char *msg, const char *uri)
{
    size_t off[4], len[4], n = password_spans(uri, off, len, 4);
    char *m = xstrdup(msg);
    for (size_t i = 0; i < n; i++) {
        char *dec = pct_decode(uri + off[i], len[i]);
        char *t = mask(m, uri + off[i], len[i]);
        free(m);
        m = dec ? mask(t, dec, strlen(dec)) : t;
        if (dec)
            free(t);
        free(dec);
    }
    return m;
}

/* Splits off schema=NAME: *conninfo is the URI without it, *schema the
 * decoded name (default public). */
static int split_schema(PgReader *r, const char *uri, char **conninfo, PgmError *e)
{
    const char *q = strchr(uri, '?');
    Buf b;
    buf_init(&b);
    buf_append(&b, uri, q ? (size_t)(q - uri) : strlen(uri));
    char sep = '?';
    for (const char *p = q; p && *p;) {
        p++;
        size_t n = strcspn(p, "&");
        if (n >= 7 && strncmp(p, "schema=", 7) == 0) {
            free(r->schema);
            r->schema = pct_decode(p + 7, n - 7);
            if (!r->schema || !r->schema[0]) {
                err_set(e, "source %s: schema= needs a schema name (percent-encoded, no %%00)", r->label);
                buf_free(&b);
                return PGM_FAIL;
            }
        } else {
            buf_putc(&b, sep);
            buf_append(&b, p, n);
            sep = '&';
        }
        p += n;
    }
    if (!r->schema)
        r->schema = xstrdup("public");
    *conninfo = buf_steal(&b);
    return PGM_OK;
}

/* ---- opening ---- */

static void pgr_close(Reader *base)
{
    PgReader *r = (PgReader *)base;
    if (!r)
        return;
    if (r->conn) {
        if (PQstatus(r->conn) == CONNECTION_OK)
            PQclear(PQexec(r->conn, "ROLLBACK")); /* read only: nothing to keep */
        PQfinish(r->conn);
    }
    free(r->label);
    free(r->schema);
    free(r);
}

/* Settings that fix the text form of every value (see the top), a
 * transaction that lasts as long as the reader, and the schema on the
 * search_path so the planner's unqualified names find its tables.
 * cursor_tuple_fraction 1: every cursor is read to the end, so plans
 * should be the fastest in total, not the fastest to the first row; an
 * idle_in_transaction_session_timeout would kill the reader while the
 * target is busy loading. */
static int session_setup(PgReader *r, PgmError *e)
{
    if (pgr_exec(r, "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; "
                   "SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; "
                   "SET bytea_output = 'hex'; SET TimeZone = 'UTC'; "
                   "SET cursor_tuple_fraction = 1; SET idle_in_transaction_session_timeout = 0",
                e, "session settings: ") != PGM_OK ||
        pgr_exec(r, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e, "") != PGM_OK)
        return PGM_FAIL;
    /* the first query of the transaction takes the snapshot: now */
    const char *vals[] = {r->schema};
    PGresult *res = PQexecParams(r->conn, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                 1, NULL, vals, NULL, NULL, 0);
    int found = res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1;
    if (!found) {
        if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
            err_set(e, "source %s: schema \"%s\" does not exist", r->label, r->schema);
        else
            pgr_fail_result(r, res, e, "");
    }
    PQclear(res);
    if (!found)
        return PGM_FAIL;
    char *q = PQescapeIdentifier(r->conn, r->schema, strlen(r->schema));
    if (!q) {
        fail_conn(r, e, "schema name: ");
        return PGM_FAIL;
    }
    Buf b;
    buf_init(&b);
    buf_printf(&b, "SET search_path = %s, pg_catalog", q);
    PQfreemem(q);
    int rc = pgr_exec(r, b.data, e, "");
    buf_free(&b);
    return rc;
}

static int pgr_open(const char *uri, Reader **out, PgmError *e)
{
    PgReader *r = xcalloc(1, sizeof *r);
    r->base.ops = &reader_pg_ops;
    r->label = reader_masked_uri(uri);
    char *conninfo = NULL;
    int rc = split_schema(r, uri, &conninfo, e);
    if (rc == PGM_OK) {
        /* expand_dbname: the whole URI is parsed by libpq */
        const char *keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
        const char *vals[] = {conninfo, "pgmap", "UTF8", NULL};
        r->conn = PQconnectdbParams(keys, vals, 1);
        if (!r->conn || PQstatus(r->conn) != CONNECTION_OK) {
            char *m = masked_message(r->conn ? PQerrorMessage(r->conn) : "out of memory", uri);
            char line[1536];
            fold(m, line, sizeof line);
            free(m);
            err_set(e, "source %s: cannot connect: %s", r->label, line);
            rc = PGM_FAIL;
        }
    }
    if (rc == PGM_OK)
        rc = session_setup(r, e);
    free(conninfo);
    if (rc != PGM_OK) {
        pgr_close(&r->base);
        return PGM_FAIL;
    }
    *out = &r->base;
    return PGM_OK;
}

/* ---- the catalog ---- */

/* Runs a catalog query with text parameters; NULL with e set. */
static PGresult *pgr_catalog(PgReader *r, const char *sql, int n, const char *const *vals, PgmError *e)
{
    PGresult *res = PQexecParams(r->conn, sql, n, NULL, vals, NULL, NULL, 0);
    if (res && PQresultStatus(res) == PGRES_TUPLES_OK)
        return res;
    pgr_fail_result(r, res, e, "reading the catalog: ");
    PQclear(res);
    return NULL;
}

/* Ordinary and partitioned tables; partitions are read through their
 * parent, views only when a mapping names them. */
static int pgr_list_tables(Reader *base, char ***names, size_t *n, PgmError *e)
{
    PgReader *r = (PgReader *)base;
    const char *vals[] = {r->schema};
    *names = NULL;
    *n = 0;
    PGresult *res = pgr_catalog(r, "SELECT c.relname FROM pg_catalog.pg_class c "
                               "JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace "
                               "WHERE s.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                               "ORDER BY c.relname COLLATE \"C\"", 1, vals, e);
    if (!res)
        return PGM_FAIL;
    *n = (size_t)PQntuples(res);
    *names = xcalloc(*n ? *n : 1, sizeof **names);
    for (size_t i = 0; i < *n; i++)
        (*names)[i] = xstrdup(PQgetvalue(res, (int)i, 0));
    PQclear(res);
    return PGM_OK;
}

/* The relation's oid and stored name: an exact match, else the only one
 * that matches ignoring case (mappings are often written in lower case).
 * 1 found, 0 not, -1 error. */
static int find_relation(PgReader *r, const char *table, char **oid, char **name, PgmError *e)
{
    const char *vals[] = {r->schema, table};
    PGresult *res = pgr_catalog(r, "SELECT c.oid, c.relname, c.relname = $2 FROM pg_catalog.pg_class c "
                               "JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace "
                               "WHERE s.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') "
                               "AND lower(c.relname) = lower($2) ORDER BY 3 DESC LIMIT 2", 2, vals, e);
    if (!res)
        return -1;
    int n = PQntuples(res);
    int found = n >= 1 && (strcmp(PQgetvalue(res, 0, 2), "t") == 0 || n == 1);
    if (found) {
        *oid = xstrdup(PQgetvalue(res, 0, 0));
        *name = xstrdup(PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return found;
}

static int pgr_describe(Reader *base, const char *table, SrcTable *out, PgmError *e)
{
    PgReader *r = (PgReader *)base;
    char *oid = NULL, *name = NULL;
    int found = find_relation(r, table, &oid, &name, e);
    if (found <= 0)
        return found;
    const char *vals[] = {oid};
    /* pk_index: the column's position in the primary key (indkey order) */
    PGresult *res = pgr_catalog(r, "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
                               "a.attnotnull, coalesce((SELECT k.n FROM pg_catalog.pg_index i, "
                               "unnest(i.indkey::int2[]) WITH ORDINALITY AS k(att, n) "
                               "WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.att = a.attnum), 0) "
                               "FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid "
                               "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", 1, vals, e);
    free(oid);
    if (!res) {
        free(name);
        return -1;
    }
    memset(out, 0, sizeof *out);
    out->name = name;
    out->ncols = (size_t)PQntuples(res);
    out->cols = xcalloc(out->ncols ? out->ncols : 1, sizeof *out->cols);
    for (size_t i = 0; i < out->ncols; i++) {
        SrcColumn *c = &out->cols[i];
        c->name = xstrdup(PQgetvalue(res, (int)i, 0));
        c->decl_type = xstrdup(PQgetvalue(res, (int)i, 1));
        c->notnull = strcmp(PQgetvalue(res, (int)i, 2), "t") == 0;
        c->pk_index = atoi(PQgetvalue(res, (int)i, 3));
    }
    PQclear(res);
    return 1;
}

/* Double quotes, quotes doubled: what PQescapeIdentifier writes for UTF-8
 * names, without needing the connection this hook is not given. */
static void pgr_quote(Buf *b, const char *ident)
{
    quote_ident_dq(b, ident);
}

static void pgr_placeholder(Buf *b, int n)
{
    buf_printf(b, "$%d", n);
}

/* The transaction started at open is the snapshot. */
static int pgr_snapshot(Reader *base, PgmError *e)
{
    (void)base;
    (void)e;
    return PGM_OK;
}

const ReaderOps reader_pg_ops = {
    .kind = "postgresql",
    .open = pgr_open,
    .close = pgr_close,
    .list_tables = pgr_list_tables,
    .describe = pgr_describe,
    .quote_ident = pgr_quote,
    .query = pgr_query,
    .ncolumns = pgr_ncolumns,
    .column_name = pgr_column_name,
    .next = pgr_next,
    .cursor_close = pgr_cursor_close,
    .bind = pgr_bind,
    .placeholder = pgr_placeholder,
    .snapshot = pgr_snapshot,
};
