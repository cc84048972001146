/* t_sqlite_ddl.c - unit tests for the SQLite SQL translator (sqlite_sql.h),
 * the pieces of CREATE statements: defaults per column type, CHECK and
 * generated-column extraction, indexes, views (the northwind ones), and
 * the contract of the results (refusals with their reasons). */
#include "sqlx_test.h"

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
    test_defaults();
    test_default_now();
    test_checks();
    test_generated();
    test_indexes();
    test_views();
    test_contract();
    return done_testing();
}
