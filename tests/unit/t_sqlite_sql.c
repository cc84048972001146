/* t_sqlite_sql.c - unit tests for the SQLite SQL translator (sqlite_sql.h):
 * tokenizer corner cases, identifiers and renaming, operators and their
 * precedence, functions, CAST, defaults per column type, views (the
 * northwind ones), CHECK and generated-column extraction, indexes, and the
 * refusals with their reasons. */
#include "sqlite_sql.h"
#include "util.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The names the tests "know": source spelling -> target spelling, matched
 * case-insensitively as SQLite does. */
static const char *const NAMES[][2] = {
    {"CustomerID", "customer_id"}, {"Discount", "discount"}, {"Quantity", "quantity"},
    {"UnitPrice", "unit_price"}, {"Order Details", "order_details"}, {"Products", "products"},
    {"ProductID", "product_id"}, {"action_flag", "action_flag"}, {"a", "a"}, {"b", "b"},
    {"c", "c"}, {"name", "name"}, {"status", "status"}, {"order", "order"},
    {"my col", "my col"}, {"we\"ird", "we\"ird"}, {"naïve", "naive"}, {"t", "t"},
    {"created", "created"}, {"type", "kind"}, {"odd", "odd\"name"},
};

static int rename_calls = 0;

static const char *ren(void *ud, const char *s)
{
    (void)ud;
    rename_calls++;
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (ascii_casecmp(NAMES[i][0], s) == 0)
            return NAMES[i][1];
    return NULL;
}

static const SqlNames NS = {ren, NULL};
static char res[8192];

static const char *show(int rc, SqlXlate *x)
{
    if (rc == 0)
        snprintf(res, sizeof res, "%s", x->sql ? x->sql : "(null)");
    else
        snprintf(res, sizeof res, "ERR:%s%s", x->why, x->sql ? " (sql set!)" : "");
    sqlx_free(x);
    return res;
}

static const char *X(const char *e)
{
    SqlXlate x;
    return show(sqlx_expr(e, &NS, &x), &x);
}

static const char *XN(const char *e)
{
    SqlXlate x;
    return show(sqlx_expr(e, NULL, &x), &x);
}

static const char *D(const char *d, PgTypeKind k)
{
    SqlXlate x;
    return show(sqlx_default(d, k, &NS, &x), &x);
}

static const char *V(const char *v)
{
    SqlXlate x;
    return show(sqlx_view(v, &NS, &x), &x);
}

static const char *I(const char *s)
{
    SqlXlate e, w;
    int rc = sqlx_index(s, &NS, &e, &w);
    if (rc == 0)
        snprintf(res, sizeof res, "%s | %s", e.sql, w.sql ? w.sql : "-");
    else
        snprintf(res, sizeof res, "ERR:%s", e.why);
    sqlx_free(&e);
    sqlx_free(&w);
    return res;
}

/* "name/column/expr;" for each CHECK. */
static const char *C(const char *create)
{
    SqlCheck *c;
    size_t n;
    if (sqlx_table_checks(create, &c, &n) != 0)
        return "ERR";
    Buf b;
    buf_init(&b);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s/%s/%s;", c[i].name ? c[i].name : "-", c[i].column ? c[i].column : "-",
                   c[i].expr);
    snprintf(res, sizeof res, "%s", b.data ? b.data : "");
    buf_free(&b);
    sqlx_checks_free(c, n);
    return res;
}

static const char *G(const char *create)
{
    SqlGenerated *g;
    size_t n;
    if (sqlx_generated_columns(create, &g, &n) != 0)
        return "ERR";
    Buf b;
    buf_init(&b);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s/%s/%s;", g[i].column, g[i].expr, g[i].stored ? "stored" : "virtual");
    snprintf(res, sizeof res, "%s", b.data ? b.data : "");
    buf_free(&b);
    sqlx_generated_free(g, n);
    return res;
}

/* The input as a one-line test name (TAP names end at a newline). */
static const char *nm(const char *s)
{
    static char n[128];
    snprintf(n, sizeof n, "%s", s);
    for (char *c = n; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    return n;
}

#define EXPR(in, want) is_str(X(in), want, "expr %s", nm(in))
#define EXPRN(in, want) is_str(XN(in), want, "expr (no names) %s", nm(in))
#define DFLT(in, k, want) is_str(D(in, k), want, "default %s on %s", nm(in), #k)
#define VIEW(in, want) is_str(V(in), want, "view %.60s", nm(in))
#define INDEX(in, want) is_str(I(in), want, "index %s", nm(in))
#define CHECKS(in, want) is_str(C(in), want, "checks %.70s", nm(in))
#define GENS(in, want) is_str(G(in), want, "generated %.70s", nm(in))

static void test_tokens(void)
{
    EXPR("'it''s'", "'it''s'");
    EXPR("'a -- not a comment'", "'a -- not a comment'");
    EXPR("a /* comment */ + -- another\n b", "\"a\" + \"b\"");
    EXPR("a + 1 /* unterminated comment", "\"a\" + 1");
    EXPR("X'ABcd'", "'\\xabcd'::bytea");
    EXPR("x''", "'\\x'::bytea");
    EXPR("0x1F + 0XfF", "31 + 255");
    EXPR("0xFFFFFFFFFFFFFFFF", "(-1)");
    EXPR("1.5e3 + .5 + 2.", "1.5e3 + .5 + 2.");
    EXPR("a<>b AND a!=b AND a<<2 >= b>>1", "\"a\" <> \"b\" AND \"a\" != \"b\" AND \"a\" << 2 >= \"b\" >> 1");
    EXPR("~a & b | c", "(~\"a\") & \"b\" | \"c\"");
    EXPR("'unterminated", "ERR:unterminated string at offset 0");
    EXPR("a = \"open", "ERR:unterminated quoted name at offset 4");
    EXPR("X'ABC'", "ERR:malformed blob literal at offset 0");
    EXPR("12abc", "ERR:malformed number at offset 0");
    EXPR("0x10000000000000000", "ERR:hex literal too big at offset 0");
    EXPR("a # b", "ERR:unrecognized character at offset 2");
    EXPR("a = ?", "ERR:uses a parameter (?)");
    EXPR("a = :name", "ERR:uses a parameter (:name)");
    EXPR("a = $v", "ERR:uses a parameter ($v)");
    EXPR("", "ERR:syntax error: unexpected end");
    EXPR("a b", "ERR:syntax error near 'b' at offset 2");
    EXPR("(a + 1", "ERR:syntax error: unexpected end");
}

static void test_identifiers(void)
{
    rename_calls = 0;
    EXPR("CustomerID = 1", "\"customer_id\" = 1");
    ok(rename_calls > 0, "rename is called");
    EXPR("[CustomerID] = `customerid` AND \"CUSTOMERID\" = 1",
         "\"customer_id\" = \"customer_id\" AND \"customer_id\" = 1");
    EXPR("[Order Details].Discount > 0", "\"order_details\".\"discount\" > 0");
    EXPR("main.[Order Details].Discount", "\"order_details\".\"discount\"");
    EXPR("other.t.a", "ERR:uses schema other");
    EXPR("Unknown + [Another One]", "\"Unknown\" + \"Another One\"");
    EXPR("\"we\"\"ird\" = 1", "\"we\"\"ird\" = 1");
    EXPR("odd = 1", "\"odd\"\"name\" = 1");
    EXPR("[my col] > [order]", "\"my col\" > \"order\"");
    EXPR("\"order\" = 1", "\"order\" = 1");
    EXPR("naïve = 1", "\"naive\" = 1");
    EXPR("[ünïcödé] = 1", "\"ünïcödé\" = 1");
    EXPR("type = 'x'", "\"kind\" = 'x'");
    EXPR("key + value + end", "\"key\" + \"value\" + \"end\"");
    EXPRN("MixedCase = 1", "\"MixedCase\" = 1");
    EXPRN("\"x\" = 'y'", "\"x\" = 'y'");
    EXPRN("\"\" = 1", "ERR:uses an empty name");
    EXPR("\"\" = 1", "'' = 1");
    /* SQLite reads an unknown "x" as a string when a callback knows the
     * columns; [x] and `x` stay names. */
    EXPR("status IN (\"active\", \"gone\")", "\"status\" IN ('active', 'gone')");
    EXPR("[active] = 1", "\"active\" = 1");
    EXPR("rowid > 0", "ERR:uses rowid");
    EXPR("_ROWID_ = 1", "ERR:uses _ROWID_");
    EXPR("lower(a) = upper(b)", "lower(\"a\") = upper(\"b\")");
}

static void test_operators(void)
{
    EXPR("[Discount]>=(0) AND [Discount]<=(1)", "\"discount\" >= (0) AND \"discount\" <= (1)");
    EXPR("\"action_flag\" >= 0", "\"action_flag\" >= 0");
    EXPR("a == 1", "\"a\" = 1");
    EXPR("a IS NULL OR b IS NOT NULL", "\"a\" IS NULL OR \"b\" IS NOT NULL");
    EXPR("a IS b", "\"a\" IS NOT DISTINCT FROM \"b\"");
    EXPR("a IS NOT 5", "\"a\" IS DISTINCT FROM 5");
    EXPR("a IS DISTINCT FROM b", "\"a\" IS DISTINCT FROM \"b\"");
    EXPR("a IS NOT DISTINCT FROM b", "\"a\" IS NOT DISTINCT FROM \"b\"");
    EXPR("a NOT NULL", "\"a\" IS NOT NULL");
    EXPR("a NOTNULL AND b ISNULL", "\"a\" IS NOT NULL AND \"b\" IS NULL");
    EXPR("a IS TRUE", "\"a\" IS TRUE");
    EXPR("name LIKE 'ab%'", "\"name\" ILIKE 'ab%'");
    EXPR("name NOT LIKE 'a\\%'", "\"name\" NOT ILIKE 'a\\%' ESCAPE ''");
    EXPR("name LIKE b", "\"name\" ILIKE \"b\" ESCAPE ''");
    EXPR("name LIKE 'a!%' ESCAPE '!'", "\"name\" ILIKE 'a!%' ESCAPE '!'");
    EXPR("name GLOB 'ab*?'", "\"name\" LIKE 'ab%_'");
    EXPR("name GLOB '5%_*'", "\"name\" LIKE '5\\%\\_%'");
    EXPR("name NOT GLOB '*x'", "\"name\" NOT LIKE '%x'");
    EXPR("name GLOB '[a-z]*'", "ERR:uses GLOB with a pattern other than a plain literal");
    EXPR("name GLOB b", "ERR:uses GLOB with a pattern other than a plain literal");
    EXPR("name REGEXP '^a'", "ERR:uses REGEXP");
    EXPR("name MATCH 'a'", "ERR:uses MATCH");
    EXPR("a -> '$.x'", "ERR:uses JSON operator ->");
    EXPR("a ->> '$.x'", "ERR:uses JSON operator ->>");
    EXPR("a || b", "\"a\" || \"b\"");
    EXPR("a IN (1, 2, 3)", "\"a\" IN (1, 2, 3)");
    EXPR("a NOT IN ('x')", "\"a\" NOT IN ('x')");
    EXPR("a IN ()", "false");
    EXPR("a NOT IN ()", "true");
    EXPR("a IN t", "\"a\" IN (TABLE \"t\")");
    EXPR("a IN (SELECT b FROM t)", "\"a\" IN (SELECT \"b\" FROM \"t\")");
    EXPR("a BETWEEN 1 AND 10", "\"a\" BETWEEN 1 AND 10");
    EXPR("a NOT BETWEEN b - 1 AND c + 1", "\"a\" NOT BETWEEN \"b\" - 1 AND \"c\" + 1");
    EXPR("a COLLATE BINARY = b", "\"a\" = \"b\"");
    EXPR("a = b COLLATE NOCASE", "ERR:uses COLLATE NOCASE");
    EXPR("NOT a", "NOT \"a\"");
    EXPR("NOT a = b", "NOT \"a\" = \"b\"");
    EXPR("NOT EXISTS (SELECT 1 FROM t)", "NOT EXISTS (SELECT 1 FROM \"t\")");
    EXPR("-a + +b", "-\"a\" + +\"b\"");
    EXPR("- -5", "-(-5)");
    EXPR("TRUE AND FALSE", "true AND false");
    EXPR("a = NULL", "\"a\" = NULL");
}

/* Where SQLite and PostgreSQL group differently, parentheses appear. */
static void test_precedence(void)
{
    EXPR("a || b * c", "(\"a\" || \"b\") * \"c\"");
    EXPR("a * b || c", "\"a\" * (\"b\" || \"c\")");
    EXPR("a + b || 'x'", "\"a\" + (\"b\" || 'x')");
    EXPR("a < b = c", "(\"a\" < \"b\") = \"c\"");
    EXPR("a = b = c", "(\"a\" = \"b\") = \"c\"");
    EXPR("a = b IS NULL", "\"a\" = \"b\" IS NULL");
    EXPR("a IS NULL = b", "(\"a\" IS NULL) = \"b\"");
    EXPR("a & b || c", "\"a\" & (\"b\" || \"c\")");
    EXPR("a || b & c", "\"a\" || \"b\" & \"c\"");
    EXPR("a - (b - c)", "\"a\" - (\"b\" - \"c\")");
    EXPR("a - b - c", "\"a\" - \"b\" - \"c\"");
    EXPR("a OR b AND c", "\"a\" OR \"b\" AND \"c\"");
    EXPR("(a OR b) AND c", "(\"a\" OR \"b\") AND \"c\"");
    EXPR("a BETWEEN 1 AND 2 = b", "\"a\" BETWEEN 1 AND 2 = \"b\"");
    EXPR("a = 1 || 'x'", "\"a\" = 1 || 'x'");
    EXPR("a LIKE b || '%'", "\"a\" ILIKE \"b\" || '%' ESCAPE ''");
    EXPR("-a * b", "-\"a\" * \"b\"");
    EXPR("((a))", "((\"a\"))");
}

static void test_functions(void)
{
    EXPR("ifnull(a, 0)", "coalesce(\"a\", 0)");
    EXPR("IFNULL(a, 0)", "coalesce(\"a\", 0)");
    EXPR("coalesce(a, b, 1)", "coalesce(\"a\", \"b\", 1)");
    EXPR("substr(a, 2, 3) || substring(b, 1)", "substr(\"a\", 2, 3) || substr(\"b\", 1)");
    EXPR("substr(a, -2)", "ERR:uses substr() with a negative position or length");
    EXPR("length(trim(a)) > 0", "length(trim(\"a\")) > 0");
    EXPR("trim(a, 'x') || ltrim(b) || rtrim(c, ' ')", "btrim(\"a\", 'x') || ltrim(\"b\") || rtrim(\"c\", ' ')");
    EXPR("abs(a) + round(b) + round(c, 2)", "abs(\"a\") + round(\"b\") + round(CAST(\"c\" AS numeric), 2)");
    EXPR("nullif(a, '') || replace(b, 'x', 'y')", "nullif(\"a\", '') || replace(\"b\", 'x', 'y')");
    EXPR("max(a, b, 3) + min(a, b)", "greatest(\"a\", \"b\", 3) + least(\"a\", \"b\")");
    EXPR("instr(a, 'x')", "strpos(\"a\", 'x')");
    EXPR("iif(a > 1, 'x', 'y')", "CASE WHEN \"a\" > 1 THEN 'x' ELSE 'y' END");
    EXPR("iif(a, b)", "CASE WHEN \"a\" THEN \"b\" ELSE NULL END");
    EXPR("char(65)", "chr(65)");
    EXPR("char(72, 105)", "(chr(72) || chr(105))");
    EXPR("unicode(a)", "ascii(\"a\")");
    EXPR("likely(a > 0)", "\"a\" > 0");
    EXPR("power(a, 2) + sqrt(b) + pow(c, 3)", "power(\"a\", 2) + sqrt(\"b\") + power(\"c\", 3)");
    EXPR("CASE WHEN a THEN 1 WHEN b THEN 2 END", "CASE WHEN \"a\" THEN 1 WHEN \"b\" THEN 2 END");
    EXPR("CASE a WHEN 1 THEN 'one' ELSE 'other' END", "CASE \"a\" WHEN 1 THEN 'one' ELSE 'other' END");
    EXPR("CASE END", "ERR:syntax error: unexpected end");
    EXPR("CASE a THEN 1 END", "ERR:syntax error near 'THEN' at offset 7");
    EXPR("hex(a)", "ERR:uses function hex()");
    EXPR("random()", "ERR:uses function random()");
    EXPR("typeof(a) = 'integer'", "ERR:uses function typeof()");
    EXPR("printf('%d', a)", "ERR:uses function printf()");
    EXPR("format('%d', a)", "ERR:uses function format()");
    EXPR("json_extract(a, '$.x')", "ERR:uses function json_extract()");
    EXPR("ifnull(a)", "ERR:uses ifnull() with a wrong number of arguments");
    EXPR("lower(DISTINCT a)", "ERR:uses lower() as an aggregate");
    EXPR("row_number()", "ERR:uses row_number() without OVER");
}

static void test_aggregates(void)
{
    EXPR("count(*) + count(a) + count(DISTINCT b)", "count(*) + count(\"a\") + count(DISTINCT \"b\")");
    EXPR("sum(a) / avg(b)", "sum(\"a\") / avg(\"b\")");
    EXPR("max(a)", "max(\"a\")");
    EXPR("total(a)", "coalesce(sum(\"a\"), 0)");
    EXPR("group_concat(a)", "string_agg(CAST(\"a\" AS text), ',')");
    EXPR("group_concat(a, '; ')", "string_agg(CAST(\"a\" AS text), '; ')");
    EXPR("group_concat(DISTINCT a)", "string_agg(DISTINCT CAST(\"a\" AS text), ',')");
    EXPR("count(*) FILTER (WHERE a > 1)", "count(*) FILTER (WHERE \"a\" > 1)");
    EXPR("row_number() OVER (PARTITION BY a ORDER BY b DESC)",
         "row_number() OVER (PARTITION BY \"a\" ORDER BY \"b\" DESC NULLS LAST)");
    EXPR("sum(a) OVER (ORDER BY b)", "sum(\"a\") OVER (ORDER BY \"b\" NULLS FIRST)");
    EXPR("sum(a) OVER w", "ERR:uses a named window");
    EXPR("sum(a) OVER (ORDER BY b ROWS 2 PRECEDING)", "ERR:uses a window frame or base window");
    EXPR("group_concat(a ORDER BY b)", "ERR:uses ORDER BY inside group_concat()");
    EXPR("max(a, b) OVER ()", "ERR:uses max() with several arguments as an aggregate");
    EXPR("sum(*)", "ERR:uses sum() with a wrong number of arguments");
}

static void test_cast(void)
{
    EXPR("CAST(a AS INTEGER)", "CAST(\"a\" AS bigint)");
    EXPR("CAST(a AS int8)", "CAST(\"a\" AS bigint)");
    EXPR("CAST(a AS VARCHAR(10))", "CAST(\"a\" AS text)");
    EXPR("CAST(a AS CLOB)", "CAST(\"a\" AS text)");
    EXPR("CAST(a AS BLOB)", "CAST(\"a\" AS bytea)");
    EXPR("CAST(a AS REAL) + CAST(b AS FLOAT) + CAST(c AS DOUBLE PRECISION)",
         "CAST(\"a\" AS double precision) + CAST(\"b\" AS double precision) + CAST(\"c\" AS double precision)");
    EXPR("CAST(a AS DECIMAL(10,2))", "CAST(\"a\" AS numeric)");
    EXPR("CAST(a AS BOOLEAN)", "CAST(\"a\" AS numeric)");
    EXPR("CAST(a AS POINT)", "CAST(\"a\" AS bigint)"); /* "POINT" contains INT: SQLite's rule */
    EXPR("CAST(a AS)", "CAST(\"a\" AS bytea)");
    EXPR("CAST(a)", "ERR:syntax error near ')' at offset 6");
}

static void test_datetime(void)
{
    const char *dt = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";
    EXPR("datetime('now')", dt);
    EXPR("DATETIME('NOW')", dt);
    EXPR("datetime()", dt);
    EXPR("date('now')", "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
    EXPR("time('now')", "to_char(now() AT TIME ZONE 'UTC', 'HH24:MI:SS')");
    EXPR("CURRENT_TIMESTAMP", "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')");
    EXPR("CURRENT_DATE", "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
    EXPR("current_time", "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'HH24:MI:SS')");
    EXPR("strftime('%Y-%m-%d %H:%M:%S', 'now')",
         "to_char(now() AT TIME ZONE 'UTC', 'YYYY\"-\"MM\"-\"DD\" \"HH24\":\"MI\":\"SS')");
    EXPR("strftime('%Y%m%dT%H%M%f %j%%', 'now')",
         "to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS.MS\" \"DDD%')");
    EXPR("strftime('%s', 'now')", "extract(epoch from now())::bigint");
    EXPR("strftime('%s', 'now') + 1", "extract(epoch from now())::bigint + 1");
    EXPR("unixepoch()", "extract(epoch from now())::bigint");
    EXPR("unixepoch('now')", "extract(epoch from now())::bigint");
    EXPR("julianday('now')", "(extract(epoch from now()) / 86400.0 + 2440587.5)");
    EXPR("datetime('1997-01-01')", "'1997-01-01 00:00:00'");
    EXPR("date('1997-01-31 10:11:12')", "'1997-01-31'");
    EXPR("time('1997-01-31T10:11:12.5')", "'10:11:12'");
    EXPR("time('10:11')", "'10:11:00'");
    EXPR("datetime('1997-02-30')", "ERR:uses datetime() on '1997-02-30'");
    EXPR("datetime('now', 'localtime')", "ERR:uses datetime() with modifiers");
    EXPR("date(a)", "ERR:uses date() on a value other than 'now'");
    EXPR("julianday('2000-01-01')", "ERR:uses julianday() on a value other than 'now'");
    EXPR("strftime('%w', 'now')", "ERR:uses strftime() directive %w");
    EXPR("strftime('%Y', a)", "ERR:uses strftime() on a value other than 'now'");
    EXPR("strftime(a, 'now')", "ERR:uses strftime() with a non-constant format");
}

static void test_defaults(void)
{
    is_str(D(NULL, PT_INT4), "(null)", "default NULL pointer: no default");
    DFLT("NULL", PT_TEXT, "(null)");
    DFLT("(NULL)", PT_INT4, "(null)");
    DFLT("0", PT_INT4, "0");
    DFLT("-1", PT_INT8, "-1");
    DFLT("(-5)", PT_INT4, "-5");
    DFLT("'1'", PT_INT4, "1");
    DFLT("' 42 '", PT_INT2, "42");
    DFLT("'0.5'", PT_NUMERIC, "0.5");
    DFLT("1.0", PT_INT4, "1");
    DFLT("1.5", PT_INT4, "ERR:default 1.5 does not fit integer");
    DFLT("1.5", PT_FLOAT8, "1.5");
    DFLT("100000", PT_INT2, "ERR:default 100000 does not fit smallint");
    DFLT("'abc'", PT_INT4, "ERR:default 'abc' does not fit integer");
    DFLT("'abc'", PT_FLOAT8, "ERR:default 'abc' does not fit double precision");
    DFLT("TRUE", PT_INT4, "1");
    DFLT("FALSE", PT_NUMERIC, "0");
    DFLT("0", PT_BOOL, "false");
    DFLT("1", PT_BOOL, "true");
    DFLT("'1'", PT_BOOL, "true");
    DFLT("'f'", PT_BOOL, "false");
    DFLT("'TRUE'", PT_BOOL, "true");
    DFLT("'false'", PT_BOOL, "false");
    DFLT("TRUE", PT_BOOL, "true");
    DFLT("2", PT_BOOL, "ERR:default 2 does not fit boolean");
    DFLT("'maybe'", PT_BOOL, "ERR:default 'maybe' does not fit boolean");
    DFLT("(1 = 1)", PT_BOOL, "ERR:default (1 = 1) does not fit boolean");
    DFLT("'abc'", PT_TEXT, "'abc'");
    DFLT("'it''s'", PT_VARCHAR, "'it''s'");
    DFLT("0", PT_TEXT, "'0'");
    DFLT("-1.5", PT_TEXT, "'-1.5'");
    DFLT("TRUE", PT_TEXT, "'1'");
    DFLT("active", PT_TEXT, "'active'");
    DFLT("\"active\"", PT_TEXT, "'active'");
    DFLT("'CURRENT_TIMESTAMP'", PT_TEXT, "'CURRENT_TIMESTAMP'");
    DFLT("X'00FF'", PT_BYTEA, "'\\x00ff'::bytea");
    DFLT("X'00FF'", PT_TEXT, "ERR:default X'00FF' does not fit text");
    DFLT("'raw'", PT_BYTEA, "'raw'");
    DFLT("(1.0/3)", PT_FLOAT8, "(1.0 / 3)");
    DFLT("(1.0/3)", PT_NUMERIC, "(1.0 / 3)");
    DFLT("('a' || 'b')", PT_TEXT, "('a' || 'b')");
    DFLT("('a' || 'b')", PT_INT4, "ERR:default ('a' || 'b') does not fit integer");
    DFLT("(abs(-3))", PT_INT4, "(abs(-3))");
    DFLT("(a + 1)", PT_INT4, "ERR:default (a + 1): refers to column a");
    DFLT("(typeof(1))", PT_TEXT, "ERR:default (typeof(1)): uses function typeof()");
    DFLT("'2020-01-02 03:04:05'", PT_TIMESTAMP, "'2020-01-02 03:04:05'");
    DFLT("'2020-01-02T03:04:05'", PT_TIMESTAMPTZ, "'2020-01-02 03:04:05+00'");
    DFLT("'2020-01-02'", PT_DATE, "'2020-01-02'");
    DFLT("'12:30'", PT_TIME, "'12:30:00'");
    DFLT("'0000-00-00 00:00:00'", PT_TIMESTAMP, "ERR:default '0000-00-00 00:00:00' does not fit timestamp");
    DFLT("0", PT_TIMESTAMP, "ERR:default 0 does not fit timestamp");
    DFLT("'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", PT_UUID, "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'");
    DFLT("'nope'", PT_UUID, "ERR:default 'nope' does not fit uuid");
    DFLT("'{}'", PT_JSONB, "'{}'");
    DFLT("'{'", PT_JSON, "ERR:default '{' does not fit json");
    DFLT("('a' || 'b')", PT_JSON, "ERR:default ('a' || 'b') does not fit json");
    DFLT("'x'", PT_OTHER, "'x'");
    DFLT("", PT_TEXT, "ERR:default is empty");
    DFLT("'unterminated", PT_TEXT, "ERR:unterminated string at offset 0");
}

static void test_default_now(void)
{
    const char *utc = "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
    DFLT("CURRENT_TIMESTAMP", PT_TIMESTAMP, utc);
    DFLT("(datetime('now'))", PT_TIMESTAMP, utc);
    DFLT("datetime()", PT_TIMESTAMP, utc);
    DFLT("'CURRENT_TIMESTAMP'", PT_TIMESTAMP, utc);
    DFLT("CURRENT_TIMESTAMP", PT_TIMESTAMPTZ, "CURRENT_TIMESTAMP");
    DFLT("'current_timestamp'", PT_TIMESTAMPTZ, "CURRENT_TIMESTAMP");
    DFLT("CURRENT_TIMESTAMP", PT_DATE, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)");
    DFLT("CURRENT_DATE", PT_DATE, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)");
    DFLT("(date('now'))", PT_DATE, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)");
    DFLT("'CURRENT_TIMESTAMP'", PT_DATE, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)");
    DFLT("CURRENT_DATE", PT_TIMESTAMP, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date::timestamp)");
    DFLT("CURRENT_TIME", PT_TIME, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::time(0))");
    DFLT("CURRENT_TIMESTAMP", PT_TIME, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::time(0))");
    DFLT("CURRENT_TIME", PT_TIMESTAMP, "ERR:default CURRENT_TIME does not fit timestamp");
    DFLT("CURRENT_DATE", PT_TIME, "ERR:default CURRENT_DATE does not fit time");
    DFLT("CURRENT_TIMESTAMP", PT_TEXT, "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')");
    DFLT("(datetime('now'))", PT_VARCHAR, "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')");
    DFLT("CURRENT_DATE", PT_TEXT, "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'YYYY-MM-DD')");
    DFLT("(time('now'))", PT_TEXT, "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', 'HH24:MI:SS')");
    DFLT("CURRENT_TIMESTAMP", PT_INT8, "ERR:default CURRENT_TIMESTAMP does not fit bigint");
    DFLT("(datetime('now'))", PT_INT8, "ERR:default (datetime('now')) does not fit bigint");
    DFLT("(strftime('%s','now'))", PT_INT8, "(extract(epoch from now())::bigint)");
    DFLT("(unixepoch())", PT_INT8, "(extract(epoch from now())::bigint)");
    DFLT("(strftime('%Y-%m-%d %H:%M:%f', 'now'))", PT_TIMESTAMP,
         "CAST((to_char(now() AT TIME ZONE 'UTC', 'YYYY\"-\"MM\"-\"DD\" \"HH24\":\"MI\":\"SS.MS')) AS timestamp)");
    DFLT("(strftime('%Y-%m-%d', 'now'))", PT_TIMESTAMPTZ,
         "(CAST((to_char(now() AT TIME ZONE 'UTC', 'YYYY\"-\"MM\"-\"DD')) AS timestamp) AT TIME ZONE 'UTC')");
    DFLT("(datetime('now', 'localtime'))", PT_TIMESTAMP,
         "ERR:default (datetime('now', 'localtime')): uses datetime() with modifiers");
}

static void test_checks(void)
{
    const char *od =
        "CREATE TABLE [Order Details](\n"
        "   [OrderID]INTEGER NOT NULL,\n"
        "   [UnitPrice]NUMERIC NOT NULL DEFAULT 0,\n"
        "   [Discount]REAL NOT NULL DEFAULT 0,\n"
        "    PRIMARY KEY (\"OrderID\",\"ProductID\"),\n"
        "    CHECK ([Discount]>=(0) AND [Discount]<=(1)),\n"
        "    CHECK ([UnitPrice]>=(0)),\n"
        "\tFOREIGN KEY ([OrderID]) REFERENCES [Orders] ([OrderID]) \n"
        "\t\tON DELETE NO ACTION ON UPDATE NO ACTION\n)";
    CHECKS(od, "-/-/[Discount]>=(0) AND [Discount]<=(1);-/-/[UnitPrice]>=(0);");
    CHECKS("CREATE TABLE \"django_admin_log\" (\"id\" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "
           "\"object_repr\" varchar(200) NOT NULL, \"action_flag\" smallint unsigned NOT NULL CHECK "
           "(\"action_flag\" >= 0), \"content_type_id\" integer NULL REFERENCES "
           "\"django_content_type\" (\"id\") DEFERRABLE INITIALLY DEFERRED)",
           "-/action_flag/\"action_flag\" >= 0;");
    CHECKS("CREATE TABLE t (a INT CONSTRAINT pos CHECK (a > 0) CHECK(a < 10), "
           "b TEXT CONSTRAINT nn NOT NULL CHECK (b <> ''), "
           "CONSTRAINT pair CHECK (a < length(b)), UNIQUE (a, b))",
           "pos/a/a > 0;-/a/a < 10;-/b/b <> '';pair/-/a < length(b);");
    CHECKS("CREATE TABLE t (\"we\"\"ird\" TEXT CHECK (\"we\"\"ird\" IN ('(', ')', ',')), "
           "`my col` INT CHECK ((`my col` > (0)) AND ((1))), [order] INT CHECK([order] > 0))",
           "-/we\"ird/\"we\"\"ird\" IN ('(', ')', ',');-/my col/(`my col` > (0)) AND ((1));"
           "-/order/[order] > 0;");
    CHECKS("CREATE TABLE t ( -- a comment, with a comma ( and a paren\n"
           "  a INT /* CHECK (fake) */ DEFAULT (1) CHECK (a > -1), -- another CHECK (x)\n"
           "  b TEXT DEFAULT 'CHECK (b)' \n)",
           "-/a/a > -1;");
    CHECKS("CREATE TEMP TABLE IF NOT EXISTS main.t (a INT) WITHOUT ROWID", "");
    CHECKS("CREATE TABLE t AS SELECT 1 AS a", "");
    CHECKS("CREATE TABLE t (a INT CHECK (a > 0)", "ERR");
    CHECKS("CREATE TABLE t (a INT CHECK (a > 'unterminated))", "ERR");
    CHECKS("CREATE VIEW v AS SELECT 1", "ERR");
    CHECKS("CREATE TABLE 'quoted' (\"ü\" TEXT CHECK (length(\"ü\") < 5))", "-/ü/length(\"ü\") < 5;");
}

static void test_generated(void)
{
    GENS("CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED, "
         "c TEXT AS (lower(\"x(\" || ')')) VIRTUAL, d INT AS (a + 1), "
         "CHECK (a > 0))",
         "b/a * 2/stored;c/lower(\"x(\" || ')')/virtual;d/a + 1/virtual;");
    GENS("CREATE TABLE t (a INT CONSTRAINT g GENERATED ALWAYS AS ((a)) STORED NOT NULL)",
         "a/(a)/stored;");
    GENS("CREATE TABLE t (a INT DEFAULT 1, b TEXT)", "");
    GENS("CREATE TABLE t (a INT AS (a * 2)", "ERR");
    /* The checks of the same table are not mixed in. */
    CHECKS("CREATE TABLE t (a INT, b INT AS (a * 2) STORED CHECK (b > 0))", "-/b/b > 0;");
}

static void test_indexes(void)
{
    INDEX("CREATE INDEX [IFK_AlbumArtistId] ON [Album] ([ArtistId])", "\"ArtistId\" | -");
    INDEX("CREATE UNIQUE INDEX \"uniq\" ON \"t\" (\"a\", \"b\")", "\"a\", \"b\" | -");
    INDEX("CREATE UNIQUE INDEX IF NOT EXISTS main.i ON t (a DESC, b ASC)", "\"a\" DESC, \"b\" | -");
    INDEX("CREATE INDEX i ON t (name COLLATE NOCASE)", "lower(\"name\") | -");
    INDEX("CREATE INDEX i ON t (name COLLATE nocase DESC, b COLLATE BINARY, c COLLATE RTRIM)",
          "lower(\"name\") DESC, \"b\", rtrim(\"c\") | -");
    INDEX("CREATE INDEX i ON t (a || b COLLATE NOCASE)", "lower(\"a\" || \"b\") | -");
    INDEX("CREATE INDEX i ON t (lower(a), a + b, CAST(a AS TEXT), iif(a, 1, 2))",
          "lower(\"a\"), (\"a\" + \"b\"), CAST(\"a\" AS text), (CASE WHEN \"a\" THEN 1 ELSE 2 END) | -");
    INDEX("CREATE INDEX i ON t (a) WHERE a IS NOT NULL AND b == 'x'",
          "\"a\" | \"a\" IS NOT NULL AND \"b\" = 'x'");
    INDEX("CREATE INDEX i ON t (CustomerID) WHERE status = \"open\"",
          "\"customer_id\" | \"status\" = 'open'");
    INDEX("CREATE INDEX i ON t (a COLLATE de_DE)", "ERR:uses COLLATE de_DE");
    INDEX("CREATE INDEX i ON t (a) WHERE typeof(a) = 'text'", "ERR:uses function typeof()");
    INDEX("CREATE INDEX i ON t (a", "ERR:syntax error near '(' at offset 20");
    INDEX("CREATE INDEX i ON t (a) garbage", "ERR:syntax error near 'garbage' at offset 24");
    INDEX("CREATE INDEX i ON t (a, )", "ERR:syntax error near ')' at offset 24");
}

static void test_views(void)
{
    VIEW("CREATE VIEW [Current Product List] \nAS\nSELECT ProductID,\n       ProductName \n"
         "FROM Products \nWHERE Discontinued=0",
         "SELECT \"product_id\", \"ProductName\" FROM \"products\" WHERE \"Discontinued\" = 0");
    VIEW("CREATE VIEW [Alphabetical list of products] \nAS\nSELECT Products.*, \n"
         "       Categories.CategoryName\nFROM Categories \n"
         "   INNER JOIN Products ON Categories.CategoryID = Products.CategoryID\n"
         "WHERE (((Products.Discontinued)=0))",
         "SELECT \"products\".*, \"Categories\".\"CategoryName\" FROM \"Categories\" INNER JOIN "
         "\"products\" ON \"Categories\".\"CategoryID\" = \"products\".\"CategoryID\" WHERE "
         "(((\"products\".\"Discontinued\") = 0))");
    VIEW("CREATE VIEW [Customer and Suppliers by City] \nAS\nSELECT City, \n       CompanyName, \n"
         "       'Customers' AS Relationship \nFROM Customers\nUNION \nSELECT City, CompanyName, "
         "'Suppliers'\nFROM Suppliers \nORDER BY City, CompanyName",
         "SELECT \"City\", \"CompanyName\", 'Customers' AS \"Relationship\" FROM \"Customers\" UNION "
         "SELECT \"City\", \"CompanyName\", 'Suppliers' FROM \"Suppliers\" ORDER BY \"City\" NULLS "
         "FIRST, \"CompanyName\" NULLS FIRST");
    VIEW("CREATE VIEW [Product Sales for 1997] AS\nSELECT Categories.CategoryName, \n"
         "       Sum(([Order Details].UnitPrice*Quantity*(1-Discount)/100)*100) AS ProductSales\n"
         "FROM Categories\n JOIN    Products On Categories.CategoryID = Products.CategoryID\n"
         "    JOIN  [Order Details] on Products.ProductID = [Order Details].ProductID     \n"
         "WHERE Orders.ShippedDate Between DATETIME('1997-01-01') And DATETIME('1997-12-31')\n"
         "GROUP BY Categories.CategoryName",
         "SELECT \"Categories\".\"CategoryName\", sum((\"order_details\".\"unit_price\" * "
         "\"quantity\" * (1 - \"discount\") / 100) * 100) AS \"ProductSales\" FROM \"Categories\" "
         "JOIN \"products\" ON \"Categories\".\"CategoryID\" = \"products\".\"CategoryID\" JOIN "
         "\"order_details\" ON \"products\".\"product_id\" = \"order_details\".\"product_id\" WHERE "
         "\"Orders\".\"ShippedDate\" BETWEEN '1997-01-01 00:00:00' AND '1997-12-31 00:00:00' GROUP "
         "BY \"Categories\".\"CategoryName\"");
    VIEW("CREATE VIEW [Products Above Average Price] AS\nSELECT Products.ProductName, "
         "Products.UnitPrice\nFROM Products\nWHERE Products.UnitPrice>(SELECT AVG(UnitPrice) From Products)",
         "SELECT \"products\".\"ProductName\", \"products\".\"unit_price\" FROM \"products\" WHERE "
         "\"products\".\"unit_price\" > (SELECT avg(\"unit_price\") FROM \"products\")");
    VIEW("CREATE VIEW [Invoices] AS SELECT (Employees.FirstName + ' ' + Employees.LastName) AS "
         "Salesperson FROM Employees",
         "SELECT (\"Employees\".\"FirstName\" + ' ' + \"Employees\".\"LastName\") AS \"Salesperson\" "
         "FROM \"Employees\"");
    VIEW("CREATE VIEW [ProductDetails_V] as\nselect \np.*, \nc.CategoryName, c.Description as "
         "[CategoryDescription]\nfrom [Products] p\njoin [Categories] c on p.CategoryId = c.id",
         "SELECT \"p\".*, \"c\".\"CategoryName\", \"c\".\"Description\" AS \"CategoryDescription\" "
         "FROM \"products\" AS \"p\" JOIN \"Categories\" AS \"c\" ON \"p\".\"CategoryId\" = \"c\".\"id\"");
    VIEW("CREATE VIEW v AS SELECT a, count(*) n FROM t LEFT OUTER JOIN u USING (a, b) "
         "NATURAL JOIN w CROSS JOIN x GROUP BY a HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 10 OFFSET 5",
         "SELECT \"a\", count(*) AS \"n\" FROM \"t\" LEFT JOIN \"u\" USING (\"a\", \"b\") NATURAL "
         "JOIN \"w\" CROSS JOIN \"x\" GROUP BY \"a\" HAVING count(*) > 1 ORDER BY 2 DESC NULLS LAST "
         "LIMIT 10 OFFSET 5");
    VIEW("CREATE VIEW v AS SELECT * FROM t, (SELECT b FROM u) LIMIT 5, 10",
         "SELECT * FROM \"t\", (SELECT \"b\" FROM \"u\") AS \"subquery1\" LIMIT 10 OFFSET 5");
    VIEW("CREATE VIEW v AS SELECT a FROM t LIMIT -1", "SELECT \"a\" FROM \"t\" LIMIT ALL");
    VIEW("CREATE VIEW v(x, \"y z\") AS SELECT a, b FROM t",
         "SELECT * FROM (SELECT \"a\", \"b\" FROM \"t\") AS \"v\"(\"x\", \"y z\")");
    VIEW("CREATE TEMP VIEW IF NOT EXISTS v AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 "
         "FROM r WHERE n < 5) SELECT n FROM r",
         "WITH RECURSIVE \"r\"(\"n\") AS (SELECT 1 UNION ALL SELECT \"n\" + 1 FROM \"r\" WHERE \"n\" < 5) "
         "SELECT \"n\" FROM \"r\"");
    VIEW("CREATE VIEW v AS VALUES (1, 'a'), (2, 'b')", "VALUES (1, 'a'), (2, 'b')");
    VIEW("CREATE VIEW v AS WITH x AS NOT MATERIALIZED (SELECT 1 AS a), y AS MATERIALIZED (SELECT 2) "
         "SELECT a FROM x NOT INDEXED, (x AS x2 JOIN y ON 1) AS j",
         "WITH \"x\" AS NOT MATERIALIZED (SELECT 1 AS \"a\"), \"y\" AS MATERIALIZED (SELECT 2) "
         "SELECT \"a\" FROM \"x\", (\"x\" AS \"x2\" JOIN \"y\" ON 1) AS \"j\"");
    VIEW("CREATE VIEW v AS SELECT (SELECT max(b) FROM u WHERE u.a = t.a) m, t.* FROM main.t",
         "SELECT (SELECT max(\"b\") FROM \"u\" WHERE \"u\".\"a\" = \"t\".\"a\") AS \"m\", \"t\".* FROM \"t\"");
    VIEW("CREATE VIEW v AS SELECT a FROM t UNION SELECT a FROM u INTERSECT SELECT a FROM w",
         "(SELECT \"a\" FROM \"t\" UNION SELECT \"a\" FROM \"u\") INTERSECT SELECT \"a\" FROM \"w\"");
    VIEW("CREATE VIEW v AS SELECT a FROM t ORDER BY name COLLATE NOCASE",
         "SELECT \"a\" FROM \"t\" ORDER BY lower(\"name\") NULLS FIRST");
    VIEW("CREATE VIEW v AS SELECT a FROM t INDEXED BY i WHERE a GLOB 'x*'",
         "SELECT \"a\" FROM \"t\" WHERE \"a\" LIKE 'x%'");
    VIEW("CREATE VIEW v AS SELECT \"not a column\" FROM t",
         "SELECT \"not a column\" FROM \"t\"");
    VIEW("CREATE VIEW v AS SELECT typeof(a) FROM t", "ERR:uses function typeof()");
    VIEW("CREATE VIEW v AS SELECT a FROM json_each(b)", "ERR:uses table-valued function json_each()");
    VIEW("CREATE VIEW v AS SELECT a FROM other.t", "ERR:uses schema other");
    VIEW("CREATE VIEW v AS SELECT sum(a) OVER w FROM t WINDOW w AS (ORDER BY a)", "ERR:uses a named window");
    VIEW("CREATE VIEW v AS SELECT a FROM t WHERE", "ERR:syntax error: unexpected end");
    VIEW("CREATE VIEW v AS SELECT a FROM t, u ON t.a = u.a", "ERR:uses ON after a comma join");
    VIEW("CREATE TABLE v (a)", "ERR:syntax error near 'TABLE' at offset 7");
}

/* Every refusal leaves sql NULL; every success leaves why empty. */
static void test_contract(void)
{
    SqlXlate x;
    int rc = sqlx_expr("typeof(a)", &NS, &x);
    ok(rc == -1 && x.sql == NULL && strcmp(x.why, "uses function typeof()") == 0, "refusal contract");
    sqlx_free(&x);
    rc = sqlx_expr("a", &NS, &x);
    ok(rc == 0 && x.sql != NULL && x.why[0] == '\0', "success contract");
    sqlx_free(&x);
    ok(x.sql == NULL, "sqlx_free clears");
    sqlx_free(&x); /* twice is fine */
    SqlXlate e, w;
    rc = sqlx_index("CREATE INDEX i ON t (a) WHERE regexp(a)", &NS, &e, &w);
    ok(rc == -1 && e.sql == NULL && w.sql == NULL && strcmp(w.why, "uses function regexp()") == 0 &&
           strcmp(e.why, w.why) == 0,
       "index refusal clears both parts");
    sqlx_free(&e);
    sqlx_free(&w);
    SqlCheck *c = (SqlCheck *)&x;
    size_t n = 99;
    ok(sqlx_table_checks("CREATE TABLE t (a)", &c, &n) == 0 && c == NULL && n == 0, "no checks");
    ok(sqlx_table_checks(NULL, &c, &n) == -1 && c == NULL && n == 0, "NULL statement");
    /* A long expression goes through without limits. */
    Buf b;
    buf_init(&b);
    buf_puts(&b, "a");
    for (int i = 0; i < 500; i++)
        buf_printf(&b, " + (b * %d)", i);
    rc = sqlx_expr(b.data, &NS, &x);
    ok(rc == 0 && x.sql && strlen(x.sql) > 5000, "long expression");
    sqlx_free(&x);
    buf_free(&b);
}

int main(void)
{
    test_tokens();
    test_identifiers();
    test_operators();
    test_precedence();
    test_functions();
    test_aggregates();
    test_cast();
    test_datetime();
    test_defaults();
    test_default_now();
    test_checks();
    test_generated();
    test_indexes();
    test_views();
    test_contract();
    return done_testing();
}
