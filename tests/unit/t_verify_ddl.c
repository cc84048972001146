/* t_verify_ddl.c - unit tests of verify's DDL recognizer (verify_ddl.h):
 * what it extracts from the project's own DDL files and from the shapes of
 * PostgreSQL DDL it must read (quoting, multi-word types, serial, identity,
 * inline and table constraints, ALTER TABLE, indexes), and that whatever it
 * does not understand is counted, never misread.  No server needed. */
#include "verify_ddl.h"
#include "ddl_script.h"
#include "util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void name_put(Buf *b, const VdName *n)
{
    if (n->schema)
        buf_printf(b, "%s.", n->schema);
    buf_puts(b, n->name);
}

static void list_put(Buf *b, const VdList *l)
{
    buf_putc(b, '(');
    for (size_t i = 0; i < l->n; i++)
        buf_printf(b, "%s%s", i ? "," : "", l->v[i]);
    buf_putc(b, ')');
}

static void tables_put(Buf *b, const VdDdl *d)
{
    for (size_t i = 0; i < d->ntables; i++) {
        const VdTable *t = &d->tables[i];
        buf_printf(b, "%sT%s ", b->len ? " | " : "", t->created ? "" : "+");
        name_put(b, &t->name);
        buf_putc(b, '(');
        for (size_t k = 0; k < t->ncols; k++)
            buf_printf(b, "%s%s:%s%s%s", k ? "," : "", t->cols[k].name,
                       t->cols[k].type ? t->cols[k].type : "-", t->cols[k].serial ? "/S" : "",
                       t->cols[k].identity ? "/I" : "");
        buf_putc(b, ')');
    }
}

static void cons_put(Buf *b, const VdDdl *d)
{
    for (size_t i = 0; i < d->ncons; i++) {
        const VdConstraint *c = &d->cons[i];
        buf_printf(b, "%s%c", b->len ? " | " : "", "PUF"[c->kind]);
        if (c->name)
            buf_printf(b, "[%s]", c->name);
        buf_putc(b, ' ');
        name_put(b, &c->table);
        list_put(b, &c->cols);
        if (c->kind == VD_FOREIGN) {
            buf_puts(b, "->");
            name_put(b, &c->ref);
            list_put(b, &c->ref_cols);
        }
    }
}

static void others_put(Buf *b, const VdDdl *d)
{
    for (size_t i = 0; i < d->nindexes; i++) {
        const VdIndex *x = &d->indexes[i];
        buf_printf(b, "%sI%s%s%s %s on ", b->len ? " | " : "", x->unique ? "U" : "",
                   x->expression ? "E" : "", x->partial ? "W" : "", x->name ? x->name : "-");
        name_put(b, &x->table);
        list_put(b, &x->cols);
    }
    for (size_t i = 0; i < d->nseqs; i++) {
        buf_printf(b, "%sS ", b->len ? " | " : "");
        name_put(b, &d->seqs[i].name);
    }
    if (d->unchecked)
        buf_printf(b, "%s?%ld", b->len ? " | " : "", d->unchecked);
}

/* Renders everything d holds as one line:
 *   T name(col:type[/S serial][/I identity],...)   (T+ = only ALTER TABLE ADD COLUMN)
 *   P|U|F[name] table(cols)[->ref(cols)]
 *   I[U][E][W] name on table(cols)   S name   ?unchecked */
static char *render(const VdDdl *d)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "");
    tables_put(&b, d);
    cons_put(&b, d);
    others_put(&b, d);
    return buf_steal(&b);
}

/* Recognizes the statements of text (split as a DDL file) and renders them. */
static const char *rec(const char *text)
{
    static char res[8192];
    DdlScript s;
    VdDdl d;
    PgmError e = {0};
    memset(&d, 0, sizeof d);
    if (ddl_script_parse(text, "t.ddl", &s, &e) != PGM_OK) {
        snprintf(res, sizeof res, "ERR:%s", e.msg);
        ddl_script_free(&s);
        return res;
    }
    vd_script(&d, &s);
    char *r = render(&d);
    snprintf(res, sizeof res, "%s", r);
    free(r);
    vd_free(&d);
    ddl_script_free(&s);
    return res;
}

#define REC(text, want, ...) is_str(rec(text), want, __VA_ARGS__)

static void test_tables(void)
{
    REC("CREATE TABLE t (a int, b text)", "T t(a:int,b:text)", "plain table, unqualified");
    REC("create table if not exists S.T (A INT)", "T s.t(a:int)", "folded to lower case");
    REC("CREATE TABLE \"My Schema\".\"Film\" (\"Id\" int, \"we\"\"ird\" text)",
        "T My Schema.Film(Id:int,we\"ird:text)", "quoted names kept, \"\" unescaped");
    REC("CREATE UNLOGGED TABLE db.s.t (a int)", "T s.t(a:int)", "unlogged; database part dropped");
    REC("CREATE TABLE t (a timestamp with time zone, b double precision, "
        "c character varying(20), d int[], e numeric(10,2), f timestamp(3) without time zone, "
        "g text[][], h int ARRAY, i public.\"MyType\", j bit varying(5))",
        "T t(a:timestamp with time zone,b:double precision,c:character varying(20),d:int[],"
        "e:numeric(10,2),f:timestamp(3) without time zone,g:text[][],h:int array,"
        "i:public.\"MyType\",j:bit varying(5))",
        "multi-word types, arrays, typmods, qualified and quoted types");
    REC("CREATE TABLE t (a varchar(10) COLLATE \"C\" NOT NULL DEFAULT 'x', "
        "b int NULL CHECK (b > 0), c int CONSTRAINT c_nn NOT NULL, d text STORAGE EXTERNAL)",
        "T t(a:varchar(10),b:int,c:int,d:text) | ?1", "type ends at a constraint keyword; CHECK unchecked");
    REC("CREATE TABLE t (a serial, b bigserial PRIMARY KEY, c smallserial, d serial8)",
        "T t(a:integer/S,b:bigint/S,c:smallint/S,d:bigint/S) | P t(b)", "serial types");
    REC("CREATE TABLE t (a int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), "
        "b bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "c int GENERATED ALWAYS AS (a * 2) STORED)",
        "T t(a:int/I,b:bigint/I,c:int) | P t(b)", "identity columns and a generated one");
    REC("CREATE TABLE t (id int PRIMARY KEY, u text UNIQUE, "
        "r int CONSTRAINT r_fk REFERENCES s.p (x) ON DELETE SET NULL, q int REFERENCES p)",
        "T t(id:int,u:text,r:int,q:int) | P t(id) | U t(u) | F[r_fk] t(r)->s.p(x) | F t(q)->p()",
        "inline keys and references");
    REC("CREATE TABLE t (a int, b int, c int, CONSTRAINT t_pk PRIMARY KEY (a, b), "
        "UNIQUE NULLS NOT DISTINCT (c), FOREIGN KEY (b, c) REFERENCES u (x, y) MATCH FULL, "
        "CONSTRAINT ck CHECK (a < b), EXCLUDE USING gist (a WITH =))",
        "T t(a:int,b:int,c:int) | P[t_pk] t(a,b) | U t(c) | F t(b,c)->u(x,y) | ?2",
        "table constraints; CHECK and EXCLUDE unchecked");
    REC("CREATE TABLE t (LIKE s INCLUDING ALL, a int) INHERITS (p)", "T t(a:int) | ?1",
        "LIKE unchecked, INHERITS skipped");
    REC("CREATE TABLE m (a int, b date) PARTITION BY RANGE (b)", "T m(a:int,b:date)",
        "partitioned table");
    REC("CREATE TABLE m2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "T m2024()", "partition: only the table");
    REC("CREATE TABLE t AS SELECT 1 AS a", "?1", "CREATE TABLE AS unchecked");
    REC("CREATE TABLE t (a, b) AS SELECT 1, 2", "?1", "CREATE TABLE (names) AS unchecked");
    REC("CREATE TABLE t OF mytype", "?1", "typed table unchecked");
    REC("CREATE TEMP TABLE t (a int)", "?1", "temporary table unchecked");
}

static void test_alter_index_sequence(void)
{
    REC("ALTER TABLE ONLY s.t ADD CONSTRAINT t_pkey PRIMARY KEY (id), "
        "ADD UNIQUE (a, b), ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES s.u (id), "
        "ADD CHECK (a > 0), ALTER COLUMN a SET NOT NULL, ADD COLUMN IF NOT EXISTS z text[]",
        "T+ s.t(z:text[]) | P[t_pkey] s.t(id) | U s.t(a,b) | F[fk] s.t(c)->s.u(id) | ?2",
        "ALTER TABLE with several actions");
    REC("CREATE TABLE t (a int); ALTER TABLE IF EXISTS t ADD b int REFERENCES u",
        "T t(a:int,b:int) | F t(b)->u()", "ADD COLUMN joins the created table");
    REC("ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX t_idx", "?1",
        "PRIMARY KEY USING INDEX unchecked");
    REC("ALTER TABLE t OWNER TO app", "?1", "other ALTER TABLE actions unchecked");
    REC("CREATE INDEX ON t (a)", "I - on t(a)", "unnamed index");
    REC("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Idx\" ON ONLY s.t USING btree "
        "(a DESC NULLS LAST, b COLLATE \"C\" text_pattern_ops) INCLUDE (c) WITH (fillfactor = 70)",
        "IU Idx on s.t(a,b)", "unique index with every option");
    REC("CREATE INDEX i ON t USING gin (lower(a), (b || c))", "IE i on t()", "expression index");
    REC("CREATE UNIQUE INDEX IF NOT EXISTS u ON s.t USING btree (lower(email), (a + b))",
        "IUE u on s.t()", "unique expression index with IF NOT EXISTS and USING");
    REC("CREATE INDEX i ON t (a) WHERE a IS NOT NULL", "IW i on t(a)", "partial index");
    REC("CREATE SEQUENCE IF NOT EXISTS s.seq START 100; CREATE TEMP SEQUENCE x",
        "S s.seq | ?1", "sequences");
}

static void test_statements(void)
{
    REC("CREATE SCHEMA s; SET client_min_messages = warning; BEGIN; COMMIT; RESET ALL",
        "", "schema, SET, transaction control: nothing to check, not counted");
    REC("CREATE VIEW v AS SELECT 1; COMMENT ON TABLE t IS 'x'; CREATE OR REPLACE FUNCTION f() "
        "RETURNS int LANGUAGE sql AS $$ CREATE TABLE x (a int); $$; CREATE EXTENSION hstore; "
        "GRANT SELECT ON t TO u; INSERT INTO t VALUES (1); ALTER SEQUENCE s OWNED BY t.a",
        "?7", "other statements are counted, $$ bodies not read");
    REC("CREATE TABLE t ( -- a comment (with a paren\n a int /* b int, */, "
        "c text DEFAULT 'it''s (not) a, column' , d text DEFAULT E'\\' , e int')",
        "T t(a:int,c:text,d:text)", "comments and strings do not confuse it");
    REC("CREATE TABLE t (a int DEFAULT $x$ , b int $x$, b2 int)", "T t(a:int,b2:int)",
        "dollar-quoted default");
    REC("SET search_path TO app, public; CREATE TABLE t (a int REFERENCES u); "
        "CREATE INDEX ON t (a); SET search_path = DEFAULT; CREATE SEQUENCE q",
        "T app.t(a:int) | F app.t(a)->app.u() | I - on app.t(a) | S q",
        "SET search_path qualifies names after it");
    REC("SET LOCAL search_path = '\"$user\", Shop'; CREATE SEQUENCE q", "S shop.q",
        "search_path as a string");
    REC("CREATE TABLE", "?1", "truncated statement counted");
    REC("CREATE TABLE t (a int, ,", "T t(a:int) | ?1", "broken element counted, rest kept");
    REC("CREATE TABLE t (a int", "T t(a:int)", "unterminated list");
}

/* Reads a file of the source tree into a script; NULL when not found. */
static char *project_file(const char *rel)
{
    const char *top = getenv("top_srcdir");
    char path[1024];
    char *text = NULL;
    size_t len;
    PgmError e = {0};
    snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
    if (read_file(path, &text, &len, &e) != PGM_OK)
        diag("%s", e.msg);
    return text;
}

/* The recognized file, rendered; "" when the file could not be read. */
static char *rec_file(const char *rel, VdDdl *d)
{
    char *text = project_file(rel);
    DdlScript s;
    PgmError e = {0};
    memset(d, 0, sizeof *d);
    if (!text)
        return xstrdup("");
    if (ddl_script_parse(text, rel, &s, &e) == PGM_OK)
        vd_script(d, &s);
    else
        diag("%s", e.msg);
    ddl_script_free(&s);
    free(text);
    return render(d);
}

static int contains(const char *hay, const char *needle)
{
    int found = strstr(hay, needle) != NULL;
    if (!found)
        diag("missing: %s", needle);
    return found;
}

static void test_movies(void)
{
    VdDdl d;
    char *r = rec_file("schemas/movies_database.ddl", &d);
    is_int(d.ntables, 5, "movies: 5 tables");
    is_int(d.ncons, 12, "movies: 5 primary keys, 3 unique, 4 foreign keys");
    is_int(d.nindexes, 3, "movies: 3 indexes");
    is_int(d.nseqs + (size_t)d.unchecked, 0, "movies: no sequence, nothing unchecked");
    ok(contains(r, "T content.film_work(id:uuid,title:text,description:text,creation_date:date,"
                   "rating:double precision,type:text,created:timestamp with time zone,"
                   "modified:timestamp with time zone)"),
       "movies: film_work's columns and types");
    ok(contains(r, "P content.genre(id) | U content.genre(name)"), "movies: genre's keys");
    ok(contains(r, "F content.genre_film_work(genre_id)->content.genre(id)"), "movies: an inline FK");
    ok(contains(r, "U[person_film_work_film_work_id_person_id_role_key] "
                   "content.person_film_work(film_work_id,person_id,role)"),
       "movies: a named unique constraint");
    ok(contains(r, "I film_work_creation_date_idx on content.film_work(creation_date)"),
       "movies: an index");
    is_int(d.ntables ? d.tables[0].line : 0, 14, "movies: line of the first table");
    is_int(d.nindexes ? d.indexes[0].line : 0, 25, "movies: line of the first index");
    free(r);
    vd_free(&d);
}

static void test_chinook(void)
{
    VdDdl d;
    char *r = rec_file("schemas/chinook.ddl", &d);
    size_t identity = 0, pk = 0, fk = 0;
    for (size_t i = 0; i < d.ntables; i++)
        for (size_t k = 0; k < d.tables[i].ncols; k++)
            identity += d.tables[i].cols[k].identity != 0;
    for (size_t i = 0; i < d.ncons; i++) {
        pk += d.cons[i].kind == VD_PRIMARY;
        fk += d.cons[i].kind == VD_FOREIGN;
    }
    is_int(d.ntables, 11, "chinook: 11 tables");
    is_int(identity, 10, "chinook: 10 identity columns");
    is_int(pk, 11, "chinook: 11 primary keys");
    is_int(fk, 11, "chinook: 11 foreign keys");
    is_int(d.nindexes, 10, "chinook: 10 indexes");
    is_int(d.unchecked, 0, "chinook: nothing unchecked");
    ok(contains(r, "T chinook.track(track_id:integer/I,name:text,album_id:integer,"
                   "media_type_id:integer,genre_id:integer,composer:text,milliseconds:integer,"
                   "bytes:integer,unit_price:numeric(10,2))"),
       "chinook: track");
    ok(contains(r, "P chinook.playlist_track(playlist_id,track_id)"), "chinook: composite key");
    ok(contains(r, "F chinook.employee(reports_to)->chinook.employee(employee_id)"),
       "chinook: self reference");
    free(r);
    vd_free(&d);
}

static void test_shop(void)
{
    VdDdl d;
    char *r = rec_file("schemas/shop.sql", &d);
    is_int(d.ntables, 4, "shop: 4 tables");
    is_int(d.ncons, 11, "shop: 4 primary keys, 4 unique, 3 foreign keys");
    is_int(d.nindexes, 2, "shop: 2 indexes");
    is_int(d.unchecked, 7, "shop: 7 CHECKs unchecked (BEGIN, COMMIT, CREATE SCHEMA not counted)");
    ok(contains(r, "T shop.customers(customer_id:bigint/I,email:text,name:text,street:text,"
                   "city:text,avatar_hash:text,last_order_on:date)"),
       "shop: customers, the comments between columns skipped");
    ok(contains(r, "F shop.orders(customer_id)->shop.customers()"),
       "shop: reference to a primary key");
    ok(contains(r, "P shop.order_items(order_id,line_no)"), "shop: table primary key");
    ok(contains(r, "U shop.order_items(legacy_id)"), "shop: unique after a CHECK");
    free(r);
    vd_free(&d);
}

static void test_lists(void)
{
    VdList a = {0}, b = {0};
    Buf out;
    vd_list_split(&a, "x\001y", '\001');
    vd_list_split(&b, "y\001x", '\001');
    ok(!vd_list_same(&a, &b, 0) && vd_list_same(&a, &b, 1), "list order matters unless any_order");
    vd_list_push(&b, "x");
    ok(!vd_list_same(&a, &b, 1), "lists of other lengths differ");
    buf_init(&out);
    vd_list_print(&out, &a);
    is_str(out.data, "(x, y)", "list printed");
    buf_free(&out);
    vd_list_free(&a);
    vd_list_free(&b);
}

int main(void)
{
    test_tables();
    test_alter_index_sequence();
    test_statements();
    test_movies();
    test_chinook();
    test_shop();
    test_lists();
    return done_testing();
}
