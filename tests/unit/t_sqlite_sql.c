/* t_sqlite_sql.c - unit tests for the SQLite SQL translator (sqlite_sql.h),
 * expressions: tokenizer corner cases, identifiers and renaming, operators
 * and their precedence, functions, CAST and dates.  Defaults, CHECKs,
 * generated columns, indexes and views are in t_sqlite_ddl.c. */
#include "sqlx_test.h"

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
    return done_testing();
}
