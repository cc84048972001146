/* init_fk_hash.c - the orphan count of init_fk.c as a hashed anti-join.
 *
 * The SQL path probes the parent's index once per child row: on a large
 * link table that is millions of random b-tree lookups, most of init's
 * time.  Here the parent's key columns are read once, in storage order,
 * into a set of 64-bit hashes, then the child's key columns are read once
 * and each key is looked up in memory.  The set never exceeds 2 * max_keys
 * slots (16 MB by default); a parent with more keys is split by hash into
 * passes, pass k holding the parent keys with hash % passes == k and
 * checking only the child keys of that share.  The sets of the counts
 * running at once (init --jobs) share a budget of two full sets.
 *
 * Exactness.  Equal keys hash equally (see hash_value), so a child hash
 * missing from the set means no parent key equals it: every orphan
 * reported is one.  Two different keys with the same hash can hide an
 * orphan; the chance is about n_child * n_parent / 2^64 (1e-7 for a
 * million rows on each side), which we accept.  "Equal" must mean what
 * p.ref = c.col means to SQLite, so the path applies only when no
 * conversion happens before the comparison (same affinity on both sides,
 * and not a STRICT ANY column), the comparison is bytewise (BINARY
 * collation on both sides, a UTF-8 database), and an integer equals a real
 * only when exactly equal (checked on the library at run time).
 * Otherwise, and on any error, the caller runs the SQL path, whose result
 * is the reference.
 *
 * Examples.  The SQL path keeps the first three orphans of its scan of the
 * child; the child query here is that scan without the NOT EXISTS, so the
 * plan and the order are the same.  The examples kept are the orphans with
 * the smallest positions in that scan (passes and probes in flight find
 * them out of order), read again at the end.  The whole count runs in one
 * read transaction so every scan sees the same rows. */
#include "init.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <threads.h>

#define ORPHAN_EXAMPLES 3    /* as init_fk.c */
#define MIN_SLOTS 4          /* the fill limit (3/4) leaves an empty slot */
#define MAX_REPLANS 16

/* 2^20 keys: a set of 2^21 slots of 8 bytes, 16 MB per count running. */
static size_t max_keys = (size_t)1 << 20;

size_t init_orphans_hash_limit(size_t n)
{
    size_t old = max_keys;
    max_keys = n;
    return old;
}

/* ---- memory shared by the counts running at once ---- */

/* Two full-size sets: what init --jobs 2 uses, and the bound for any
 * --jobs.  A count waits for its set's room rather than running with a
 * smaller set (many more passes, each a scan of both tables) or taking
 * the SQL path (each probe a random read): the counts holding room finish
 * in a fraction of a second per million rows. */
#define BUDGET_BYTES ((size_t)32 << 20)

static once_flag budget_once = ONCE_FLAG_INIT;
static mtx_t budget_mu;
static cnd_t budget_cv;
static int budget_ready;
static size_t budget_used;

static void budget_init(void)
{
    budget_ready = mtx_init(&budget_mu, mtx_plain) == thrd_success && cnd_init(&budget_cv) == thrd_success;
}

/* 0 when the lock cannot be made.  A set larger than the whole budget
 * (tests raise max_keys) gets it when nothing else holds room. */
static int budget_take(size_t bytes)
{
    call_once(&budget_once, budget_init);
    if (!budget_ready)
        return 0;
    mtx_lock(&budget_mu);
    while (budget_used > 0 && budget_used + bytes > BUDGET_BYTES)
        cnd_wait(&budget_cv, &budget_mu);
    budget_used += bytes;
    mtx_unlock(&budget_mu);
    return 1;
}

static void budget_give(size_t bytes)
{
    if (!bytes)
        return;
    mtx_lock(&budget_mu);
    budget_used -= bytes;
    cnd_broadcast(&budget_cv);
    mtx_unlock(&budget_mu);
}

/* ---- when a hash decides what p.ref = c.col decides ---- */

typedef enum Affinity { AFF_BLOB, AFF_TEXT, AFF_NUMERIC, AFF_INTEGER, AFF_REAL } Affinity;

static int has_word(const char *s, const char *w)
{
    size_t n = strlen(w);
    for (; *s; s++)
        if (ascii_ncasecmp(s, w, n) == 0)
            return 1;
    return 0;
}

/* SQLite's rules for a declared type (datatype3.html, 3.1), in order. */
static Affinity affinity(const char *decl)
{
    if (has_word(decl, "INT"))
        return AFF_INTEGER;
    if (has_word(decl, "CHAR") || has_word(decl, "CLOB") || has_word(decl, "TEXT"))
        return AFF_TEXT;
    if (!*decl || has_word(decl, "BLOB"))
        return AFF_BLOB;
    if (has_word(decl, "REAL") || has_word(decl, "FLOA") || has_word(decl, "DOUB"))
        return AFF_REAL;
    return AFF_NUMERIC;
}

/* The affinity of a column whose comparisons are bytewise; 0 when it has
 * another collation or SQLite cannot say.  The declared type and the
 * collation come from SQLite itself rather than the model: it is what the
 * comparison uses.  ANY is left out: NUMERIC in an ordinary table but no
 * affinity in a STRICT one. */
static int column_rules(sqlite3 *s, const char *table, const char *col, Affinity *aff)
{
    const char *type = NULL, *coll = NULL;
    if (sqlite3_table_column_metadata(s, NULL, table, col, &type, &coll, NULL, NULL, NULL) != SQLITE_OK ||
        !coll || ascii_casecmp(coll, "BINARY") != 0 || (type && ascii_casecmp(type, "ANY") == 0))
        return 0;
    *aff = affinity(type ? type : "");
    return 1;
}

/* Text is hashed as the UTF-8 read back, which is the stored bytes only in
 * a UTF-8 database; older SQLite versions compared integers with reals
 * through double (2^53 + 1 = 2^53 was true), which no hash can follow. */
static int engine_fits(sqlite3 *s)
{
    sqlite3_stmt *st = NULL;
    int fits = 0;
    if (sqlite3_prepare_v2(s, "SELECT 9007199254740993 = 9007199254740992.0, "
                              "(SELECT encoding FROM pragma_encoding)", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *enc = (const char *)sqlite3_column_text(st, 1);
        fits = sqlite3_column_int(st, 0) == 0 && enc && ascii_casecmp(enc, "UTF-8") == 0;
    }
    sqlite3_finalize(st);
    return fits;
}

/* Every key column is a plain stored column of an ordinary table (a
 * virtual or generated column, or an undeclared rowid, goes to SQL), and
 * each pair compares without conversion and bytewise. */
static int hash_applies(sqlite3 *s, const ITable *t, const ITable *p, const IFk *fk)
{
    if (t->virtual_module || p->virtual_module || fk->ncols == 0)
        return 0;
    for (size_t i = 0; i < fk->ncols; i++) {
        int pc = fk->ref[i] ? itable_column(p, fk->ref[i]) : -1;
        if (fk->cols[i] < 0 || (size_t)fk->cols[i] >= t->ncols || pc < 0)
            return 0;
        const IColumn *a = &t->cols[fk->cols[i]], *b = &p->cols[pc];
        Affinity fa, fb;
        if (a->generated || b->generated || !column_rules(s, t->name, a->name, &fa) ||
            !column_rules(s, p->name, b->name, &fb) || fa != fb)
            return 0;
    }
    return engine_fits(s);
}

/* ---- hashing a key ---- */

#define TWO_63 9223372036854775808.0   /* exact in a double; int64 is [-2^63, 2^63) */
#define K1 0x9E3779B97F4A7C15u
#define K2 0xC2B2AE3D27D4EB4Fu

enum { TAG_NUM = 1, TAG_REAL, TAG_TEXT, TAG_BLOB };

static uint64_t mix(uint64_t h, uint64_t w)
{
    h ^= w * K2;
    h = (h << 31) | (h >> 33);
    return h * K1;
}

/* MurmurHash3's finaliser: every input bit reaches every output bit, so
 * both the slot (high bits) and the pass (h % passes) are well spread. */
static uint64_t finish(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53u;
    h ^= h >> 33;
    return h;
}

/* The tag word carries the length, so zero padding of the last word
 * cannot make two lengths equal. */
static uint64_t hash_bytes(uint64_t h, uint64_t tag, const unsigned char *p, size_t n)
{
    h = mix(h, tag | ((uint64_t)n << 8));
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = mix(h, w);
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = mix(h, w);
    }
    return h;
}

/* One column of the current row into h, by storage class and value, as
 * SQLite compares without conversion: INTEGER and REAL by numeric value
 * (5 = 5.0, so an integral real in int64 range hashes as that integer,
 * which also makes -0.0 equal 0), TEXT and BLOB bytewise but never equal
 * to each other (different tags). */
static uint64_t hash_value(uint64_t h, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return mix(mix(h, TAG_NUM), (uint64_t)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: {
        double r = sqlite3_column_double(st, i);
        if (r >= -TWO_63 && r < TWO_63 && (double)(int64_t)r == r)
            return mix(mix(h, TAG_NUM), (uint64_t)(int64_t)r);
        uint64_t bits;
        memcpy(&bits, &r, sizeof bits);
        return mix(mix(h, TAG_REAL), bits);
    }
    case SQLITE_TEXT: {
        const unsigned char *p = sqlite3_column_text(st, i);
        return hash_bytes(h, TAG_TEXT, p, (size_t)sqlite3_column_bytes(st, i));
    }
    default: {
        const unsigned char *p = sqlite3_column_blob(st, i);
        return hash_bytes(h, TAG_BLOB, p, (size_t)sqlite3_column_bytes(st, i));
    }
    }
}

/* The key of the current row's n first columns; 0 when one is NULL (never
 * equal to anything: MATCH SIMPLE), so a real hash of 0 becomes 1. */
static uint64_t row_key(sqlite3_stmt *st, size_t n)
{
    uint64_t h = K1;
    for (size_t i = 0; i < n; i++) {
        if (sqlite3_column_type(st, (int)i) == SQLITE_NULL)
            return 0;
        h = hash_value(h, st, (int)i);
    }
    h = finish(h);
    return h ? h : 1;
}

/* ---- the count ---- */

/* Probes in flight.  The set is far larger than the caches, so every
 * probe waits for memory; the slot of a key is prefetched when its row is
 * read and looked at AHEAD rows later, while SQLite reads those rows. */
#define AHEAD 8
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

typedef struct Example {
    long long ord;       /* position in the child scan */
    uint64_t h;          /* its key, to check the row read again */
    char *text;          /* filled by fetch_examples */
} Example;

typedef struct Count {
    size_t ncols;
    uint64_t *slot;      /* open addressing, linear probing, 0 = empty */
    size_t nslots, limit, used;
    size_t held;         /* bytes of the budget taken for slot */
    int shift;           /* slot of h: h >> shift */
    uint64_t nparts;
    long long orphans;
    Example ex[ORPHAN_EXAMPLES];
    size_t nex;
} Count;

/* 0 when the set is full (the pass is re-planned). */
static int set_add(Count *c, uint64_t h)
{
    size_t i = (size_t)(h >> c->shift);
    while (c->slot[i] && c->slot[i] != h)
        i = (i + 1) & (c->nslots - 1);
    if (c->slot[i])
        return 1;
    if (c->used >= c->limit)
        return 0;
    c->slot[i] = h;
    c->used++;
    return 1;
}

static int set_has(const Count *c, uint64_t h)
{
    size_t i = (size_t)(h >> c->shift);
    while (c->slot[i] && c->slot[i] != h)
        i = (i + 1) & (c->nslots - 1);
    return c->slot[i] != 0;
}

/* Unmaps the set and gives its room back. */
static void set_free(Count *c)
{
    if (c->slot)
        munmap(c->slot, c->held);
    c->slot = NULL;
    budget_give(c->held);
    c->held = 0;
}

/* Room for nslots (load_parent zeroes it), within the budget.  Mapped
 * rather than malloc'd: after a large block is freed glibc raises its
 * mmap threshold and keeps the next ones in its heaps (one per thread
 * with --jobs), which held on to tens of MB past the budget. */
static int set_alloc(Count *c, size_t nslots)
{
    size_t bytes = nslots * sizeof *c->slot;
    set_free(c);
    if (!budget_take(bytes))
        return 0;
    c->held = bytes;
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    c->slot = p == MAP_FAILED ? NULL : p;
    return c->slot != NULL;
}

static size_t pow2_at_least(size_t n)
{
    size_t p = MIN_SLOTS;
    while (p < n)
        p <<= 1;
    return p;
}

/* Passes and set for n parent keys (at least min_parts passes):
 * ceil(n / max_keys) passes and a set of twice one pass's share (load
 * <= 1/2), never more than 2 * max_keys slots.  Filling is allowed up to
 * 3/4 so a share a little above average still fits. */
static int plan(Count *c, long long n, uint64_t min_parts)
{
    uint64_t keys = n > 0 ? (uint64_t)n : 0;
    uint64_t parts = (keys + max_keys - 1) / max_keys;
    if (parts < min_parts)
        parts = min_parts;
    size_t share = (size_t)((keys + parts - 1) / parts);
    size_t cap = pow2_at_least(2 * max_keys), want = pow2_at_least(2 * share);
    size_t nslots = want < cap ? want : cap;
    if (!set_alloc(c, nslots))
        return 0;
    c->nslots = nslots;
    c->limit = nslots - nslots / 4;
    c->nparts = parts;
    c->shift = 64;
    for (size_t k = nslots; k > 1; k >>= 1)
        c->shift--;
    return 1;
}

static void drop_examples(Count *c)
{
    for (size_t i = 0; i < c->nex; i++)
        free(c->ex[i].text);
    c->nex = 0;
}

/* Counts the orphan at position ord of the child scan and keeps it if it
 * is among the first three seen so far (passes, and probes in flight,
 * find the orphans out of order). */
static void note_orphan(Count *c, uint64_t h, long long ord)
{
    size_t n = c->nex;
    c->orphans++;
    if (n == ORPHAN_EXAMPLES && ord > c->ex[n - 1].ord)
        return;
    if (n == ORPHAN_EXAMPLES)
        n--;
    size_t i = n;
    for (; i > 0 && c->ex[i - 1].ord > ord; i--)
        c->ex[i] = c->ex[i - 1];
    c->ex[i] = (Example){ord, h, NULL};
    c->nex = n + 1;
}

/* Loads the parent keys of share k into the set.  1, 0 on an error, -1
 * when the share does not fit; *total counts every parent key (all
 * shares), for the next plan. */
static int load_parent(Count *c, sqlite3_stmt *st, uint64_t k, long long *total)
{
    uint64_t ring[AHEAD];
    size_t n = 0;
    int rc, fits = 1;
    memset(c->slot, 0, c->nslots * sizeof *c->slot);
    c->used = 0;
    *total = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t h = row_key(st, c->ncols);
        if (!h)
            continue;
        ++*total;
        if (!fits || h % c->nparts != k)
            continue;
        PREFETCH(&c->slot[h >> c->shift]);
        if (n >= AHEAD)
            fits = set_add(c, ring[n % AHEAD]);
        ring[n++ % AHEAD] = h;
    }
    for (size_t i = n > AHEAD ? n - AHEAD : 0; i < n && fits; i++)
        fits = set_add(c, ring[i % AHEAD]);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return 0;
    return fits ? 1 : -1;
}

/* The child keys of share k missing from the set are orphans. */
static int probe_child(Count *c, sqlite3_stmt *st, uint64_t k)
{
    uint64_t ring[AHEAD];
    long long at[AHEAD], ord = 0;
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint64_t h = row_key(st, c->ncols);
        ord++;
        if (!h || h % c->nparts != k)
            continue;
        PREFETCH(&c->slot[h >> c->shift]);
        size_t i = n++ % AHEAD;
        if (n > AHEAD && !set_has(c, ring[i]))
            note_orphan(c, ring[i], at[i]);
        ring[i] = h;
        at[i] = ord;
    }
    for (size_t i = n > AHEAD ? n - AHEAD : 0; i < n; i++)
        if (!set_has(c, ring[i % AHEAD]))
            note_orphan(c, ring[i % AHEAD], at[i % AHEAD]);
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
}

/* The texts of the orphans kept: the child scan again, up to the last of
 * them (a prefix of one scan, and none when there are no orphans; the
 * probes no longer have the row when they find an orphan). */
static int fetch_examples(Count *c, sqlite3_stmt *st)
{
    long long ord = 0;
    size_t i = 0;
    int same = 1;
    while (i < c->nex && same && sqlite3_step(st) == SQLITE_ROW) {
        if (++ord != c->ex[i].ord)
            continue;
        same = row_key(st, c->ncols) == c->ex[i].h;   /* before column_text converts */
        Buf b;
        buf_init(&b);
        init_orphan_example(&b, st, c->ncols);
        c->ex[i++].text = buf_steal(&b);
    }
    sqlite3_reset(st);
    return same && i == c->nex;
}

/* All passes; hint is the parent's row count from the value scan.  A
 * share that overflows restarts the count: with the plan for the keys
 * actually seen when the hint was low, with twice the passes when the
 * plan was right but the split uneven (only likely with tiny limits). */
static int count_all(Count *c, sqlite3_stmt *pst, sqlite3_stmt *cst, long long hint)
{
    if (!plan(c, hint, 1))
        return 0;
    for (int round = 0; round < MAX_REPLANS; round++) {
        long long total = 0;
        int r = 1;
        drop_examples(c);
        c->orphans = 0;
        for (uint64_t k = 0; k < c->nparts && r == 1; k++) {
            r = load_parent(c, pst, k, &total);
            if (r == 1)
                r = probe_child(c, cst, k);
        }
        if (r != -1)
            return r == 1 && fetch_examples(c, cst);
        uint64_t parts = c->nparts;
        size_t nslots = c->nslots;
        if (!plan(c, total, parts) ||
            (c->nparts == parts && c->nslots == nslots && !plan(c, total, parts * 2)))
            return 0;
    }
    return 0;
}

/* ---- the queries ---- */

static void column_list(Buf *b, const char *alias, const ITable *t, const IFk *fk, int child)
{
    for (size_t i = 0; i < fk->ncols; i++) {
        buf_puts(b, i ? ", " : "");
        buf_puts(b, alias);
        sql_quote_ident(b, child ? t->cols[fk->cols[i]].name : fk->ref[i]);
    }
}

/* "SELECT <alias>cols FROM <table> AS <alias>": the key columns of the
 * child (child = 1) or the parent. */
static void select_keys(Buf *b, const char *alias, const ITable *t, const IFk *fk, int child)
{
    buf_puts(b, "SELECT ");
    column_list(b, child ? "c." : "p.", t, fk, child);
    buf_puts(b, " FROM ");
    sql_quote_ident(b, t->name);
    buf_puts(b, alias);
}

static char *parent_sql(const ITable *p, const IFk *fk)
{
    Buf b;
    buf_init(&b);
    select_keys(&b, " AS p", p, fk, 0);
    return buf_steal(&b);
}

/* init_fk.c's query without NOT EXISTS: same rows, same plan, same order. */
static char *child_sql(const ITable *t, const IFk *fk)
{
    Buf b;
    buf_init(&b);
    select_keys(&b, " AS c", t, fk, 1);
    buf_puts(&b, " WHERE ");
    for (size_t i = 0; i < fk->ncols; i++) {
        buf_puts(&b, i ? " AND c." : "c.");
        sql_quote_ident(&b, t->cols[fk->cols[i]].name);
        buf_puts(&b, " IS NOT NULL");
    }
    return buf_steal(&b);
}

/* The examples joined as init_fk.c joins them (an empty first example
 * adds no separator), so the text is the same byte for byte. */
static void publish(const Count *c, IFk *fk, Arena *arena)
{
    Buf ex;
    buf_init(&ex);
    for (size_t i = 0; i < c->nex; i++) {
        buf_puts(&ex, ex.len ? ", " : "");
        buf_puts(&ex, c->ex[i].text);
    }
    fk->orphans += c->orphans;
    if (ex.len)
        fk->orphan_examples = arena_strdup(arena, ex.data);
    buf_free(&ex);
}

int init_count_orphans_hashed(sqlite3 *s, IDb *db, const ITable *t, IFk *fk, Arena *arena)
{
    const ITable *p = idb_table(db, fk->parent);
    if (max_keys == 0 || !p || !hash_applies(s, t, p, fk))
        return 0;
    Count c = {.ncols = fk->ncols};
    sqlite3_stmt *pst = NULL, *cst = NULL;
    char *psql = parent_sql(p, fk), *csql = child_sql(t, fk);
    /* One snapshot for all the passes, unless the caller has one open. */
    int in_txn = !sqlite3_get_autocommit(s);
    int own = !in_txn && sqlite3_exec(s, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
    int done = (in_txn || own) && sqlite3_prepare_v2(s, psql, -1, &pst, NULL) == SQLITE_OK &&
               sqlite3_prepare_v2(s, csql, -1, &cst, NULL) == SQLITE_OK &&
               count_all(&c, pst, cst, p->rows);
    sqlite3_finalize(pst);
    sqlite3_finalize(cst);
    if (own && sqlite3_exec(s, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        sqlite3_exec(s, "ROLLBACK", NULL, NULL, NULL);
    if (done)
        publish(&c, fk, arena);
    drop_examples(&c);
    set_free(&c);
    free(psql);
    free(csql);
    return done;
}
