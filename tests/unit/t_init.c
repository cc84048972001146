/* t_init.c - unit tests for init's rules: names (snake_case, 63-byte
 * shortening without collisions), the type chosen for each kind of
 * stored values (docs/type-mapping.md) and the orphans of foreign keys
 * (the hash path of init_fk_hash.c against the SQL path), on in-memory
 * SQLite databases built here, through the same catalog, scan, naming,
 * type and translation steps `pgmap init` runs. */
#include <sqlite3.h>
#include <string.h>

#include "init.h"
#include "tap.h"

static void test_snake(void)
{
    Arena *a = arena_new();
    static const char *const cases[][2] = {
        {"CustomerId", "customer_id"}, {"Order Details", "order_details"}, {"HTMLParser", "html_parser"},
        {"already_snake", "already_snake"}, {"a\"b", "a_b"}, {"  x  ", "x"}, {"ID", "id"},
        {"customerID2", "customer_id2"}, {"Änderung", "Änderung"}, {"--", "unnamed"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        is_str(name_snake(a, cases[i][0]), cases[i][1], "snake_case of \"%s\"", cases[i][0]);
    arena_free(a);
}

static sqlite3 *fixture(const char *sql)
{
    sqlite3 *s = NULL;
    sqlite3_open(":memory:", &s);
    char *err = NULL;
    if (sqlite3_exec(s, sql, NULL, NULL, &err) != SQLITE_OK) {
        diag("fixture SQL failed: %s", err);
        sqlite3_free(err);
    }
    return s;
}

/* Runs init's analysis on the database open in s. */
static IDb *analyse_on(sqlite3 *s, Naming naming)
{
    IDb *db = idb_new();
    db->path = "mem";
    db->schema = "public";
    db->naming = naming;
    PgmError e = {0};
    int rc = init_catalog_read(s, db, &e);
    if (rc == PGM_OK)
        rc = init_scan(s, db, 0, &e);
    if (rc == PGM_OK) {
        init_assign_names(db);
        init_choose_types(db);
        init_translate(db);
        rc = init_count_orphans(s, db, &e);
    }
    ok(rc == PGM_OK, "analysis succeeds%s%s", e.set ? ": " : "", e.msg);
    return db;
}

/* Builds a database from SQL and runs init's analysis on it. */
static IDb *analyse(const char *sql, Naming naming)
{
    sqlite3 *s = fixture(sql);
    IDb *db = analyse_on(s, naming);
    sqlite3_close(s);
    return db;
}

static const IColumn *col(IDb *db, const char *table, const char *name)
{
    ITable *t = idb_table(db, table);
    int k = t ? itable_column(t, name) : -1;
    return k >= 0 ? &t->cols[k] : NULL;
}

static void type_is(IDb *db, const char *table, const char *name, const char *want)
{
    const IColumn *c = col(db, table, name);
    is_str(c ? c->pgtype : "(no column)", want, "%s.%s -> %s", table, name, want);
}

static void test_types(void)
{
    IDb *db = analyse(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, u TEXT, d DATE, dt DATETIME, tz TEXT, b BOOLEAN, bw BOOL,"
        " j JSON, n NUMERIC(10,2), r REAL, inf REAL, e1 DATE, e2 DATETIME, e3 TIMESTAMP, mix INTEGER,"
        " small TINYINT, med MEDIUMINT, big unsigned big int, vc NVARCHAR(5), vlong VARCHAR(2), blob BLOB,"
        " tb, none, ci TEXT COLLATE NOCASE, tm TIME, nul TEXT, bad TEXT, intxt INTEGER, yr year);"
        "INSERT INTO t VALUES (1, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2020-01-31', '2020-01-31 10:00:00',"
        " '2020-01-31T10:00:00Z', 1, 't', '{\"a\": 1}', 1, 1.5, 9e999, 1199145600, 1199145600000,"
        " 1199145600000000, 1, 1, 100000, 5, 'abc', 'abc', x'00ff', 'x', NULL, 'Ab', '10:30:00',"
        " CAST(x'610062' AS TEXT), CAST(x'61ff' AS TEXT), 'n/a', 1999);"
        "INSERT INTO t VALUES (2, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '2020-02-29', '2020-02-29',"
        " '2020-01-31 10:00:00', 0, 'no', '[1]', 0.25, 2, -9e999, 0, 1, 1, 'x', 2, 3, 9007199254740993,"
        " 'abcde', 'ab', x'01', x'02', NULL, 'b', '23:59:59.5', 'ok', 'ok', 'x', 2024);",
        NAMING_KEEP);
    type_is(db, "t", "id", "bigint");
    ok(col(db, "t", "id")->identity, "INTEGER PRIMARY KEY is an identity");
    type_is(db, "t", "u", "uuid");
    type_is(db, "t", "d", "date");
    type_is(db, "t", "dt", "timestamp");
    type_is(db, "t", "tz", "timestamptz");
    type_is(db, "t", "b", "boolean");
    type_is(db, "t", "bw", "boolean");
    type_is(db, "t", "j", "jsonb");
    type_is(db, "t", "n", "numeric");
    type_is(db, "t", "r", "double precision");
    type_is(db, "t", "inf", "double precision");
    type_is(db, "t", "e1", "timestamptz");
    is_str(col(db, "t", "e1")->ops, "[{epoch: s}]", "epoch seconds from the magnitude");
    is_str(col(db, "t", "e2")->ops, "[{epoch: ms}]", "epoch milliseconds from the magnitude");
    is_str(col(db, "t", "e3")->ops, "[{epoch: us}]", "epoch microseconds from the magnitude");
    type_is(db, "t", "mix", "text");
    ok(col(db, "t", "mix")->warning != NULL, "incompatible classes give a warning");
    type_is(db, "t", "small", "smallint");
    type_is(db, "t", "med", "integer");
    type_is(db, "t", "big", "bigint");   /* 2^53+1 is exact in bigint */
    type_is(db, "t", "vc", "varchar(5)");
    type_is(db, "t", "vlong", "text");
    type_is(db, "t", "blob", "bytea");
    type_is(db, "t", "tb", "bytea");
    type_is(db, "t", "none", "text");
    type_is(db, "t", "ci", "citext");
    ok(db->need_citext, "a NOCASE column needs the citext extension");
    type_is(db, "t", "tm", "time");
    is_str(col(db, "t", "nul")->ops, "[strip_nul]", "NUL bytes get the strip_nul policy");
    is_str(col(db, "t", "bad")->ops, "[fix_utf8]", "invalid UTF-8 gets the fix_utf8 policy");
    type_is(db, "t", "intxt", "text");
    ok(col(db, "t", "intxt")->warning != NULL, "text in an INTEGER column gives a warning");
    type_is(db, "t", "yr", "bigint");
    idb_free(db);
}

static void test_keys_and_names(void)
{
    char long_a[80], long_b[80];
    memset(long_a, 'x', 70);
    long_a[70] = '\0';
    memcpy(long_b, long_a, 71);
    long_b[69] = 'y';
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE TABLE \"Parent Table\" (\"Id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"%s\" TEXT, \"%s\" TEXT);"
             "CREATE TABLE child (pid INTEGER REFERENCES \"Parent Table\"(\"Id\") DEFERRABLE INITIALLY DEFERRED,"
             " k TEXT, PRIMARY KEY (k)) WITHOUT ROWID;"
             "CREATE TABLE loose (a, b);"
             "INSERT INTO \"Parent Table\" VALUES (1, 'a', 'b'), (7, 'c', 'd'); DELETE FROM \"Parent Table\" WHERE \"Id\" = 7;"
             "INSERT INTO child VALUES (1, 'k1'), (5, 'k2'), (NULL, 'k3');",
             long_a, long_b);
    IDb *db = analyse(sql, NAMING_SNAKE);
    ITable *p = idb_table(db, "Parent Table");
    is_str(p->tname, "parent_table", "table names go snake_case");
    is_int((int)p->seq, 7, "sqlite_sequence is read");
    const char *a = p->cols[1].tname, *b = p->cols[2].tname;
    ok(strlen(a) <= 63 && strlen(b) <= 63, "long names are cut to 63 bytes (%zu, %zu)", strlen(a), strlen(b));
    ok(strcmp(a, b) != 0, "two names equal in their first 63 bytes stay distinct");
    ITable *c = idb_table(db, "child");
    ok(c->without_rowid, "WITHOUT ROWID is read");
    ok(!c->cols[1].identity, "a WITHOUT ROWID key is no identity");
    is_int((int)c->nfks, 1, "the foreign key is read");
    ok(c->fks[0].deferred, "DEFERRABLE INITIALLY DEFERRED is read");
    is_int((int)c->fks[0].orphans, 1, "one orphan (a NULL key is not one)");
    is_str(c->fks[0].orphan_examples, "5", "the orphan's key is the example");
    ok(idb_table(db, "loose")->rerun_replace, "a table without a key is reloaded on re-runs");
    ok(!c->rerun_replace, "a table with a key is upserted");
    idb_free(db);
}

/* ---- orphans: the hash path (init_fk_hash.c) against the SQL path ---- */

/* One foreign key's orphans, counted three ways: the SQL path alone (the
 * reference), the hash path alone, and init_count_orphans_of as init runs
 * it (hash path or fall back).  hashed says whether the hash path applied. */
typedef struct Counts {
    long long sql, hash, init;
    const char *ex_sql, *ex_hash, *ex_init;
    int hashed;
} Counts;

static long long count_once(sqlite3 *s, IDb *db, ITable *t, IFk *fk, int how, const char **ex)
{
    PgmError e = {0};
    fk->orphans = 0;
    fk->orphan_examples = NULL;
    if (how == 0 && init_count_orphans_hashed(s, db, t, fk, db->arena) == 0)
        fk->orphans = -1;
    if (how == 1 && init_count_orphans_of(s, db, t, fk, db->arena, &e) != PGM_OK) {
        diag("counting orphans of %s: %s", t->name, e.msg);
        fk->orphans = -2;
    }
    *ex = fk->orphan_examples;
    return fk->orphans;
}

static Counts count_three(sqlite3 *s, IDb *db, const char *child, size_t max_keys)
{
    Counts c = {0};
    ITable *t = idb_table(db, child);
    IFk *fk = &t->fks[0];
    size_t old = init_orphans_hash_limit(0);
    c.sql = count_once(s, db, t, fk, 1, &c.ex_sql);
    init_orphans_hash_limit(max_keys);
    c.hash = count_once(s, db, t, fk, 0, &c.ex_hash);
    c.hashed = c.hash >= 0;
    c.init = count_once(s, db, t, fk, 1, &c.ex_init);
    init_orphans_hash_limit(old);
    return c;
}

/* The SQL path finds want orphans with these examples; the hash path
 * applies (or not) and, when it does, finds the same. */
static void orphans_are(sqlite3 *s, IDb *db, const char *child, size_t max_keys, int hashed,
                        long long want, const char *want_ex)
{
    Counts c = count_three(s, db, child, max_keys);
    is_int(c.sql, want, "%s: the SQL path counts %lld orphans", child, want);
    is_str(c.ex_sql, want_ex, "%s: the SQL path's examples", child);
    is_int(c.hashed, hashed, "%s: the hash path %s", child, hashed ? "applies" : "does not apply");
    if (hashed) {
        is_int(c.hash, c.sql, "%s: the hash path counts what the SQL path counts", child);
        is_str(c.ex_hash, c.ex_sql, "%s: the hash path keeps the same examples", child);
    }
    is_int(c.init, c.sql, "%s: init_count_orphans_of counts what the SQL path counts", child);
    is_str(c.ex_init, c.ex_sql, "%s: init_count_orphans_of keeps the same examples", child);
}

static const char orphan_fixture[] =
    /* no declared type: values compared as stored, INTEGER = REAL by value */
    "CREATE TABLE pn (k PRIMARY KEY);"
    "INSERT INTO pn VALUES (5), (7.5), ('a'), (x'62'), (0.0), (9007199254740992), (1e300), (-3),"
    " (CAST(x'610062' AS TEXT));"
    "CREATE TABLE cn (k REFERENCES pn (k));"
    "INSERT INTO cn VALUES (''), (5.0), (5), (7.5), ('a'), (x'61'), ('b'), (x'62'), (0), (-0.0),"
    " (9007199254740993), (9007199254740992.0), (1e300), (6), (NULL), (-3.0), (7.25),"
    " (CAST(x'610062' AS TEXT)), (CAST(x'610063' AS TEXT)), ('5'), (x'05');"
    /* two columns, NULLs in one (skipped in the child, unmatched in the parent) */
    "CREATE TABLE pm (a INTEGER, b TEXT, PRIMARY KEY (a, b));"
    "INSERT INTO pm VALUES (1, 'x'), (2, 'y'), (1, NULL);"
    "CREATE TABLE cm (a INTEGER, b TEXT, FOREIGN KEY (a, b) REFERENCES pm (a, b));"
    "INSERT INTO cm VALUES (1, 'x'), (1, 'y'), (NULL, 'zz'), (1, NULL), (2, 'y'), (3, 'x'), (2, 'Y'),"
    " (NULL, NULL), (2, 'a long text of more than thirty characters');"
    "CREATE TABLE cm2 (a INTEGER, b TEXT, FOREIGN KEY (a, b) REFERENCES pm (a, b));"
    "INSERT INTO cm2 SELECT * FROM cm WHERE b LIKE 'a long%' OR a = 1;"
    /* NOCASE on the parent: 'ab' has a parent, the hash path cannot say so */
    "CREATE TABLE pc (k TEXT COLLATE NOCASE PRIMARY KEY);"
    "INSERT INTO pc VALUES ('Ab');"
    "CREATE TABLE cc (k TEXT REFERENCES pc (k));"
    "INSERT INTO cc VALUES ('ab'), ('AB'), ('zz');"
    /* INTEGER parent, TEXT child: '1' is converted and matches 1 */
    "CREATE TABLE pa (k INTEGER PRIMARY KEY);"
    "INSERT INTO pa VALUES (1), (2);"
    "CREATE TABLE ca (k TEXT REFERENCES pa (k));"
    "INSERT INTO ca VALUES ('1'), ('3'), ('x'), (' 2');"
    /* STRICT ANY: no affinity there, NUMERIC elsewhere: left to SQL */
    "CREATE TABLE pany (k ANY PRIMARY KEY) STRICT;"
    "INSERT INTO pany VALUES (1), ('1');"
    "CREATE TABLE cany (k ANY REFERENCES pany (k)) STRICT;"
    "INSERT INTO cany VALUES (1.0), ('1'), (x'31'), (2);"
    /* many keys, WITHOUT ROWID parent: for small partitions */
    "CREATE TABLE pw (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
    " INSERT INTO pw SELECT 'key' || i, i FROM n;"
    "CREATE TABLE cw (id INTEGER PRIMARY KEY, k TEXT REFERENCES pw (k));"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
    " INSERT INTO cw SELECT i, CASE WHEN i % 7 = 0 THEN 'gone' || i ELSE 'key' || (i % 45) END FROM n;";

static void test_orphans_hash(void)
{
    sqlite3 *s = fixture(orphan_fixture);
    IDb *db = analyse_on(s, NAMING_KEEP);
    size_t big = (size_t)1 << 20;
    /* '', x'61' (not the text 'a'), 'b' (not the blob x'62'), 2^53 + 1 (not
     * 2^53), 6, 7.25, 'a\0c', '5' (text, not 5), x'05' (blob, not 5) */
    orphans_are(s, db, "cn", big, 1, 9, "a, b");
    orphans_are(s, db, "cm", big, 1, 4, "(1, y), (3, x), (2, Y)");
    orphans_are(s, db, "cm2", big, 1, 2, "(1, y), (2, a long text of more than thirt...)");
    orphans_are(s, db, "cc", big, 0, 1, "zz");
    orphans_are(s, db, "ca", big, 0, 2, "3, x");   /* ' 2' is 2 too */
    orphans_are(s, db, "cany", big, 0, 2, "1, 2");
    /* 100 rows: 14 'gone', and key0 or key41..key44 (i % 45 = 0 or > 40)
     * for i = 41, 43, 44, 45, 86, 87, 88, 89, 90 */
    long long want = 14 + 9;
    const char *ex = "gone7, gone14, gone21";
    orphans_are(s, db, "cw", big, 1, want, ex);
    orphans_are(s, db, "cw", 8, 1, want, ex);    /* 40 keys in 5 passes */
    orphans_are(s, db, "cw", 1, 1, want, ex);    /* one key per pass */
    /* a low hint: the first plan overflows and is redone from the keys seen */
    idb_table(db, "pw")->rows = 0;
    orphans_are(s, db, "cw", 4, 1, want, ex);
    orphans_are(s, db, "cn", 1, 1, 9, "a, b");
    orphans_are(s, db, "cm", 1, 1, 4, "(1, y), (3, x), (2, Y)");
    idb_free(db);
    sqlite3_close(s);
}

int main(void)
{
    plan_lazy();
    test_snake();
    test_types();
    test_keys_and_names();
    test_orphans_hash();
    return done_testing();
}
