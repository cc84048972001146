/* init_pg.c - `pgmap init postgresql://...?schema=S`: a mapping and a DDL
 * file that copy schema S of a PostgreSQL database into the target schema
 * with its types, sequences, keys, indexes, constraints and views.
 *
 * This file splits the URI (schema= is pgmap's, libpq must not see it),
 * connects, reads the catalog in one read-only snapshot with search_path
 * set to the source schema (see init_pg.h), and writes the two files. */
#include "init.h"
#include "init_pg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgconn.h"

int init_pg_is_uri(const char *s)
{
    return s && (strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* URI parameters are percent-encoded, as libpq decodes them (and as the
 * reader does): schema=My%20Schema is "My Schema".  NULL when a % is not
 * followed by two hex digits, or would give a NUL byte. */
static char *percent_decode(const char *s, size_t n)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            buf_putc(&b, s[i]);   /* '+' is a plus sign, as in libpq */
            continue;
        }
        int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
        int lo = hi >= 0 ? hexval(s[i + 2]) : -1;
        if (lo < 0 || (hi == 0 && lo == 0)) {
            buf_free(&b);
            return NULL;
        }
        buf_putc(&b, (char)(hi * 16 + lo));
        i += 2;
    }
    return buf_steal(&b);
}

/* Splits uri into the conninfo libpq sees (every parameter but schema=)
 * and the source schema (the last schema=, default public).  Either output
 * may be NULL; the strings are malloc'd. */
static int split_uri(const char *uri, char **conninfo, char **schema, PgmError *e)
{
    const char *q = strchr(uri, '?');
    Buf ci;
    buf_init(&ci);
    buf_append(&ci, uri, q ? (size_t)(q - uri) : strlen(uri));
    char *sch = NULL;
    for (const char *p = q ? q + 1 : NULL; p && *p;) {
        const char *end = strchr(p, '&');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= 7 && strncmp(p, "schema=", 7) == 0) {
            free(sch);
            sch = percent_decode(p + 7, len - 7);
            if (!sch)
                sch = xstrdup("");   /* reported below */
        } else if (len) {
            buf_putc(&ci, ci.len && strchr(ci.data, '?') ? '&' : '?');
            buf_append(&ci, p, len);
        }
        p = end ? end + 1 : NULL;
    }
    int rc = PGM_OK;
    if (sch && !*sch) {
        err_set(e, "source: schema= needs a schema name, percent-encoded (leave it out for public)");
        rc = PGM_FAIL;
    }
    if (rc == PGM_OK && schema) {
        *schema = sch ? sch : xstrdup("public");
        sch = NULL;
    }
    if (rc == PGM_OK && conninfo)
        *conninfo = buf_steal(&ci);
    free(sch);
    buf_free(&ci);
    return rc;
}

char *init_pg_source_schema(const char *uri)
{
    char *schema = NULL;
    PgmError ignore = {0};
    if (split_uri(uri, NULL, &schema, &ignore) != PGM_OK)
        return xstrdup("public");
    return schema;
}

PGresult *ipg_query(IpgDb *db, const char *what, const char *sql, int n, const char *const *p, PgmError *e)
{
    PGresult *r = PQexecParams(db->c, sql, n, NULL, p, NULL, NULL, 0);
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
        return r;
    char line[1536];
    pg_result_error_line(r, line, sizeof line);
    err_set(e, "source: reading %s of schema %s: %s", what, db->schema, line);
    PQclear(r);
    return NULL;
}

char *ipg_val(IpgDb *db, const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : arena_strdup(db->arena, PQgetvalue(r, row, col));
}

void ipg_note(IpgDb *db, const char *sql, const char *fmt, ...)
{
    if (db->nnotes == db->capnotes) {
        size_t cap = db->capnotes ? db->capnotes * 2 : 16;
        IpgNote *n = arena_alloc(db->arena, cap * sizeof *n);
        if (db->nnotes)
            memcpy(n, db->notes, db->nnotes * sizeof *n);
        db->notes = n;
        db->capnotes = cap;
    }
    Buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    db->notes[db->nnotes].text = arena_strdup(db->arena, b.data);
    db->notes[db->nnotes].sql = sql ? arena_strdup(db->arena, sql) : NULL;
    db->nnotes++;
    buf_free(&b);
}

char **ipg_split(IpgDb *db, const char *s, size_t *n)
{
    *n = 0;
    if (!s)
        return NULL;
    size_t k = 1;
    for (const char *p = s; *p; p++)
        k += *p == '\x01';
    char **v = arena_alloc(db->arena, k * sizeof *v);
    for (const char *p = s;; p++) {
        const char *end = strchr(p, '\x01');
        v[(*n)++] = arena_strndup(db->arena, p, end ? (size_t)(end - p) : strlen(p));
        if (!end)
            break;
        p = end;
    }
    return v;
}

/* One snapshot for the whole catalog, and the source schema first in
 * search_path so that the server prints its objects unqualified. */
static int begin_reading(IpgDb *db, PgmError *e)
{
    if (PQserverVersion(db->c) < 120000) {
        err_set(e, "source: PostgreSQL %d.%d is too old for pgmap init (12 or later is needed)",
                PQserverVersion(db->c) / 10000, PQserverVersion(db->c) / 100 % 100);
        return PGM_FAIL;
    }
    if (pg_exec(db->c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", e) != PGM_OK)
        return PGM_FAIL;
    const char *p[] = {db->schema};
    PGresult *r = ipg_query(db, "the schema", "SELECT n.oid, set_config('search_path', "
                            "format('%I, pg_catalog', n.nspname), false) FROM pg_namespace n "
                            "WHERE n.nspname = $1", 1, p, e);
    if (!r)
        return PGM_FAIL;
    int found = PQntuples(r) == 1;
    if (found)
        db->nsp = ipg_val(db, r, 0, 0);
    else
        err_set(e, "source: the database has no schema %s (name it with ?schema= in the URI)", db->schema);
    PQclear(r);
    return found ? PGM_OK : PGM_FAIL;
}

static int read_catalog(IpgDb *db, PgmError *e)
{
    if (begin_reading(db, e) != PGM_OK)
        return PGM_FAIL;
    if (ipg_read_types(db, e) != PGM_OK || ipg_read_sequences(db, e) != PGM_OK ||
        ipg_read_tables(db, e) != PGM_OK || ipg_read_views(db, e) != PGM_OK ||
        ipg_read_uncarried(db, e) != PGM_OK)
        return PGM_FAIL;
    ipg_link_sequences(db);
    if (!db->ntables) {
        /* a mapping needs at least one table */
        err_set(e, "source: schema %s has no tables to copy", db->schema);
        return PGM_FAIL;
    }
    return pg_exec(db->c, "COMMIT", e);
}

/* The password of a URI (user:PASSWORD@ or password=PASSWORD) as written,
 * or NULL: it must not reach a message. */
static char *uri_password(const char *uri)
{
    const char *auth = strstr(uri, "://") + 3;
    size_t ulen = strcspn(auth, "@/?");
    const char *colon = auth[ulen] == '@' ? memchr(auth, ':', ulen) : NULL;
    if (colon && auth + ulen > colon + 1)
        return xstrndup(colon + 1, (size_t)(auth + ulen - colon - 1));
    const char *p = strstr(uri, "password=");
    if (p && (p[-1] == '?' || p[-1] == '&') && p[9] && p[9] != '&')
        return xstrndup(p + 9, strcspn(p + 9, "&"));
    return NULL;
}

/* A password written in the URI would be written into the mapping. */
static void check_password(IpgDb *db, const char *uri)
{
    char *pw = uri_password(uri);
    if (pw)
        ipg_note(db, NULL, "the source URI holds a password, and the mapping repeats the URI: "
                 "keep the password in ~/.pgpass or PGPASSWORD instead");
    free(pw);
}

static int connect_source(IpgDb *db, const char *uri, const char *conninfo, PgmError *e)
{
    db->c = pg_connect(conninfo, e);
    if (db->c)
        return PGM_OK;
    /* pg_connect speaks of the target: this connection is the source; and
     * libpq may quote a malformed token of the URI, the password included. */
    const char *msg = strncmp(e->msg, "target: ", 8) == 0 ? e->msg + 8 : e->msg;
    char *pw = uri_password(uri);
    Buf b;
    buf_init(&b);
    for (const char *p = msg; *p;) {
        if (pw && strncmp(p, pw, strlen(pw)) == 0) {
            buf_puts(&b, "***");
            p += strlen(pw);
        } else {
            buf_putc(&b, *p++);
        }
    }
    err_set(e, "source: %s", b.data ? b.data : "");
    buf_free(&b);
    free(pw);
    return PGM_FAIL;
}

static void summary(const IpgDb *db, const char *output, const char *ddl, int quiet)
{
    for (size_t i = 0; i < db->nnotes; i++)
        fprintf(stderr, "pgmap: warning: %s\n", db->notes[i].text);
    if (quiet)
        return;
    size_t nkeys = 0;
    for (size_t i = 0; i < db->ntables; i++)
        nkeys += db->tables[i].key != NULL;
    printf("wrote %s and %s: schema %s, %zu table%s (%zu with a key), %zu view%s, %zu sequence%s, "
           "%zu type%s, %zu warning%s\n", output, ddl, db->schema, db->ntables, db->ntables == 1 ? "" : "s",
           nkeys, db->nviews, db->nviews == 1 ? "" : "s", db->nseqs, db->nseqs == 1 ? "" : "s",
           db->ntypes, db->ntypes == 1 ? "" : "s", db->nnotes, db->nnotes == 1 ? "" : "s");
}

int init_pg_run(const char *source, const char *output, const char *ddl, const char *ddl_ref,
                const char *schema, int force, int quiet, PgmError *e)
{
    IpgDb db;
    memset(&db, 0, sizeof db);
    db.arena = arena_new();
    db.source = source;
    db.target = schema;
    char *conninfo = NULL, *sch = NULL;
    Buf map, sql;
    buf_init(&map);
    buf_init(&sql);
    int rc = split_uri(source, &conninfo, &sch, e);
    if (rc == PGM_OK) {
        db.schema = arena_strdup(db.arena, sch);
        check_password(&db, source);
        rc = connect_source(&db, source, conninfo, e);
    }
    if (rc == PGM_OK)
        rc = read_catalog(&db, e);
    if (rc == PGM_OK) {
        ipg_write_ddl(&db, &sql);
        ipg_write_mapping(&db, ddl_ref, &map);
        rc = init_write_file(ddl, &sql, force, e);
    }
    if (rc == PGM_OK)
        rc = init_write_file(output, &map, force, e);
    if (rc == PGM_OK) {
        summary(&db, output, ddl, quiet);
        rc = db.nnotes ? 1 : PGM_OK;
    }
    pg_disconnect(db.c);
    buf_free(&map);
    buf_free(&sql);
    free(conninfo);
    free(sch);
    arena_free(db.arena);
    return rc;
}
