/* lookup.c - the `lookup` operation's runtime (see lookup.h): a hash table
 * of key text -> value text, filled from the referenced target table either
 * whole (small tables) or one key at a time (large ones). */
#include "lookup.h"
#include "pgconn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Entry {
    const char *key;      /* NULL = empty slot */
    size_t klen;
    const char *val;      /* NULL: the row's value column is NULL */
    size_t vlen;
    int count;            /* rows with this key: 0 = known absent, 2+ = ambiguous */
} Entry;

struct Lookup {
    char *label, *schema, *table, *key, *value;
    PgType key_type;
    char *all_sql;        /* reads the whole table (prefetch) */
    char *one_sql;        /* reads one key: LIMIT 2 tells "several" from "one" */
    char stmt[48];        /* prepared name of one_sql, "" until prepared */
    int complete;         /* the cache holds the whole table: a miss means absent */
    Entry *slots;
    size_t cap, used;
    Arena *mem;           /* keys and values of the cache */
    Buf canon;            /* a key's input form, reused */
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static Entry *slot_of(Lookup *lk, const char *k, size_t n)
{
    size_t i = (size_t)(hash_bytes(k, n) & (lk->cap - 1));
    while (lk->slots[i].key && (lk->slots[i].klen != n || memcmp(lk->slots[i].key, k, n) != 0))
        i = (i + 1) & (lk->cap - 1);
    return &lk->slots[i];
}

static void cache_clear(Lookup *lk, size_t cap)
{
    free(lk->slots);
    arena_reset(lk->mem);
    lk->cap = cap;
    lk->used = 0;
    lk->slots = xcalloc(cap, sizeof *lk->slots);
    lk->complete = 0;
}

static void grow(Lookup *lk)
{
    Entry *old = lk->slots;
    size_t oldcap = lk->cap;
    lk->cap *= 2;
    lk->slots = xcalloc(lk->cap, sizeof *lk->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *slot_of(lk, old[i].key, old[i].klen) = old[i];
    free(old);
}

/* Adds one row (or an absence when val is NULL and count is 0). */
static void cache_put(Lookup *lk, const char *k, size_t kn, const char *v, size_t vn, int count)
{
    if ((lk->used + 1) * 2 > lk->cap)
        grow(lk);
    Entry *s = slot_of(lk, k, kn);
    if (s->key) {            /* the same key again: a second row */
        s->count += count;
        return;
    }
    s->key = arena_strndup(lk->mem, k, kn);
    s->klen = kn;
    s->val = v ? arena_strndup(lk->mem, v, vn) : NULL;
    s->vlen = vn;
    s->count = count;
    lk->used++;
}

Lookup *lookup_new(const char *schema, const char *table, const char *key, const char *value,
                   const PgType *key_type, PGconn *c)
{
    Lookup *lk = xcalloc(1, sizeof *lk);
    Buf b, q;
    buf_init(&b);
    buf_init(&q);
    buf_printf(&b, "%s.%s", schema, table);
    lk->label = buf_steal(&b);
    lk->schema = xstrdup(schema);
    lk->table = xstrdup(table);
    lk->key = xstrdup(key);
    lk->value = xstrdup(value);
    lk->key_type = *key_type;
    pg_quote_qualified(c, &q, schema, table);
    buf_puts(&b, "SELECT ");
    pg_quote_ident(c, &b, key);
    buf_puts(&b, "::text, ");
    pg_quote_ident(c, &b, value);
    buf_printf(&b, "::text FROM %s WHERE ", q.data);
    pg_quote_ident(c, &b, key);
    buf_printf(&b, " IS NOT NULL LIMIT %d", LOOKUP_PREFETCH_MAX + 1);
    lk->all_sql = buf_steal(&b);
    buf_puts(&b, "SELECT ");
    pg_quote_ident(c, &b, value);
    buf_printf(&b, "::text FROM %s WHERE ", q.data);
    pg_quote_ident(c, &b, key);
    buf_puts(&b, " = $1 LIMIT 2");
    lk->one_sql = buf_steal(&b);
    buf_free(&q);
    lk->mem = arena_new();
    buf_init(&lk->canon);
    cache_clear(lk, 1024);
    return lk;
}

void lookup_free(Lookup *lk)
{
    if (!lk)
        return;
    free(lk->label);
    free(lk->schema);
    free(lk->table);
    free(lk->key);
    free(lk->value);
    free(lk->all_sql);
    free(lk->one_sql);
    free(lk->slots);
    arena_free(lk->mem);
    buf_free(&lk->canon);
    free(lk);
}

const char *lookup_table_label(const Lookup *lk)
{
    return lk->label;
}

/* Whole-table reads compare the key's text output with the value's input
 * form; only for types where the two are the same spelling. */
static int prefetchable(const PgType *t)
{
    switch (t->kind) {
    case PT_TEXT: case PT_VARCHAR: case PT_INT2: case PT_INT4: case PT_INT8: case PT_UUID:
        return 1;
    default:
        return 0;
    }
}

int lookup_prepare(Lookup *lk, PGconn *c, PgmError *e)
{
    cache_clear(lk, 1024);
    if (!prefetchable(&lk->key_type))
        return PGM_OK;
    PGresult *r = pg_query(c, lk->all_sql, 0, NULL, e);
    if (!r) {
        err_prefix(e, "lookup in %s", lk->label);
        return PGM_FAIL;
    }
    int n = PQntuples(r);
    if (n <= LOOKUP_PREFETCH_MAX) {
        for (int i = 0; i < n; i++) {
            int vnull = PQgetisnull(r, i, 1);
            cache_put(lk, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0), vnull ? NULL : PQgetvalue(r, i, 1),
                      vnull ? 0 : (size_t)PQgetlength(r, i, 1), 1);
        }
        lk->complete = 1;
    }
    PQclear(r);
    return PGM_OK;
}

int lookup_needs_connection(const Lookup *lk)
{
    return !lk->complete;
}

/* Asks the database for one key and caches the answer (absent included). */
static int fetch_one(Lookup *lk, PGconn *c, const char *k, size_t kn, PgmError *e)
{
    if (!lk->stmt[0]) {
        static unsigned counter;
        char name[48];
        snprintf(name, sizeof name, "pgmap_lookup_%u", ++counter);
        PGresult *r = PQprepare(c, name, lk->one_sql, 1, NULL);
        int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
        if (!ok) {
            char line[512];
            pg_result_error_line(r, line, sizeof line);
            err_set(e, "lookup in %s: %s", lk->label, line);
        }
        PQclear(r);
        if (!ok)
            return PGM_FAIL;
        memcpy(lk->stmt, name, sizeof name);
    }
    if (lk->used >= LOOKUP_CACHE_MAX)
        cache_clear(lk, 1024);
    const char *params[] = {k};
    PGresult *r = PQexecPrepared(c, lk->stmt, 1, params, NULL, NULL, 0);
    if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
        char line[512];
        pg_result_error_line(r, line, sizeof line);
        err_set(e, "lookup in %s: %s", lk->label, line);
        PQclear(r);
        return PGM_FAIL;
    }
    int n = PQntuples(r);
    int vnull = n == 0 || PQgetisnull(r, 0, 0);
    cache_put(lk, k, kn, vnull ? NULL : PQgetvalue(r, 0, 0), vnull ? 0 : (size_t)PQgetlength(r, 0, 0), n);
    PQclear(r);
    return PGM_OK;
}

int lookup_run(Lookup *lk, PGconn *c, Value *v, Arena *scratch, char *msg, size_t msglen, PgmError *e)
{
    if (v->kind == VAL_NULL)
        return 0;
    buf_reset(&lk->canon);
    char why[256];
    if (pgtype_cast(&lk->key_type, v, &lk->canon, why, sizeof why) != 0) {
        snprintf(msg, msglen, "no %s row can have %s = this value: %s", lk->label, lk->key, why);
        return -1;
    }
    const char *k = lk->canon.data ? lk->canon.data : "";
    size_t kn = lk->canon.len;
    Entry *s = slot_of(lk, k, kn);
    if (!s->key && !lk->complete) {
        if (fetch_one(lk, c, k, kn, e) != PGM_OK)
            return -2;
        s = slot_of(lk, k, kn);
    }
    if (!s->key || s->count == 0) {
        snprintf(msg, msglen, "no %s row with %s = '%.80s'", lk->label, lk->key, k);
        return -1;
    }
    if (s->count > 1) {
        snprintf(msg, msglen, "several %s rows with %s = '%.80s'", lk->label, lk->key, k);
        return -1;
    }
    *v = s->val ? value_text(arena_strndup(scratch, s->val, s->vlen), s->vlen) : value_null();
    return 0;
}
