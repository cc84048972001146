/* t_ddl_script.c - unit tests for the DDL script splitter (ddl_script.h):
 * where statements end, their line numbers, the after-load marker, the
 * optional marker and the errors with their lines. */
#include "ddl_script.h"
#include "util.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

/* Renders a parse as "B<line>:<sql>|A<line>?:<sql>|..." ('?' = optional),
 * or "ERR:<message>"; newlines in statements show as '~'. */
static const char *split(const char *text)
{
    static char res[4096];
    DdlScript s;
    PgmError e = {0};
    if (ddl_script_parse(text, "f.ddl", &s, &e) != PGM_OK) {
        snprintf(res, sizeof res, "ERR:%s", e.msg);
        ddl_script_free(&s);
        return res;
    }
    Buf b;
    buf_init(&b);
    for (int part = 0; part < 2; part++) {
        const DdlStatement *v = part ? s.after : s.before;
        size_t n = part ? s.nafter : s.nbefore;
        for (size_t i = 0; i < n; i++) {
            buf_printf(&b, "%s%c%d%s:", b.len ? "|" : "", part ? 'A' : 'B', v[i].line,
                       v[i].optional ? "?" : "");
            for (const char *p = v[i].sql; *p; p++)
                buf_putc(&b, *p == '\n' ? '~' : *p);
        }
    }
    snprintf(res, sizeof res, "%s", b.data ? b.data : "");
    buf_free(&b);
    ddl_script_free(&s);
    return res;
}

#define SPLIT(text, want, ...) is_str(split(text), want, __VA_ARGS__)

static void test_basic(void)
{
    SPLIT("", "", "empty file");
    SPLIT("  \n\n -- only a comment\n/* and a block */\n", "", "comments and blanks only");
    SPLIT("CREATE TABLE a (x int);", "B1:CREATE TABLE a (x int)", "one statement");
    SPLIT("CREATE TABLE a (x int);\nCREATE TABLE b (y int);\n",
          "B1:CREATE TABLE a (x int)|B2:CREATE TABLE b (y int)", "two statements, their lines");
    SPLIT("SELECT 1", "B1:SELECT 1", "the last statement may omit its semicolon");
    SPLIT("SELECT 1;\n\n  SELECT 2  \n", "B1:SELECT 1|B3:SELECT 2", "trailing blanks trimmed");
    SPLIT(";;\n;SELECT 1;;", "B2:SELECT 1", "empty statements are dropped");
    SPLIT("-- head\n-- more\n\nCREATE TABLE a (x int);", "B4:CREATE TABLE a (x int)",
          "leading comments are not part of the statement; line of its first word");
    SPLIT("/* a\nb\nc */ SELECT 1;", "B3:SELECT 1", "block comment lines counted");
    SPLIT("SELECT 1 -- one; two\n, 2;", "B1:SELECT 1 -- one; two~, 2",
          "semicolon in a -- comment inside a statement");
    SPLIT("SELECT /* ; */ 1;", "B1:SELECT /* ; */ 1", "semicolon in a block comment");
    SPLIT("SELECT /* a /* nested ; */ still ; comment */ 1; SELECT 2;",
          "B1:SELECT /* a /* nested ; */ still ; comment */ 1|B1:SELECT 2", "nested block comments");
    SPLIT("SELECT 1;\r\nSELECT 2;\r\n", "B1:SELECT 1|B2:SELECT 2", "CRLF line ends");
}

static void test_quoting(void)
{
    SPLIT("SELECT 'a;b';", "B1:SELECT 'a;b'", "semicolon in a string");
    SPLIT("SELECT 'it''s; fine'; SELECT 2;", "B1:SELECT 'it''s; fine'|B1:SELECT 2", "doubled quote");
    SPLIT("SELECT 'a\\'; SELECT 2;", "B1:SELECT 'a\\'|B1:SELECT 2",
          "a backslash does not escape in a standard string");
    SPLIT("SELECT E'a\\';b'; SELECT 2;", "B1:SELECT E'a\\';b'|B1:SELECT 2", "E'' escapes a quote");
    SPLIT("SELECT e'\\\\'; SELECT 2;", "B1:SELECT e'\\\\'|B1:SELECT 2", "e'' escaped backslash");
    SPLIT("SELECT name'x;'", "B1:SELECT name'x;'", "only a lone E starts an escape string");
    SPLIT("SELECT 'a\nb;\nc';\nSELECT 2;", "B1:SELECT 'a~b;~c'|B4:SELECT 2",
          "lines inside a string are counted");
    SPLIT("CREATE TABLE \"a;b\" (\"x\"\"y\" int);", "B1:CREATE TABLE \"a;b\" (\"x\"\"y\" int)",
          "quoted identifiers");
    SPLIT("SELECT '--not a comment;' ; SELECT 2", "B1:SELECT '--not a comment;'|B1:SELECT 2",
          "-- in a string");
    SPLIT("SELECT \"/*\"; SELECT 2", "B1:SELECT \"/*\"|B1:SELECT 2", "/* in an identifier");
}

static void test_dollar(void)
{
    SPLIT("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\nSELECT 2;",
          "B1:CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql|B2:SELECT 2", "$$ body");
    SPLIT("DO $body$\nBEGIN\n  RAISE NOTICE '$$;';\nEND\n$body$;\nSELECT 2;",
          "B1:DO $body$~BEGIN~  RAISE NOTICE '$$;';~END~$body$|B6:SELECT 2",
          "$tag$ body containing $$ and a quote");
    SPLIT("SELECT $a$ x $b$ ; $b$ y $a$; SELECT 2", "B1:SELECT $a$ x $b$ ; $b$ y $a$|B1:SELECT 2",
          "another tag inside does not close it");
    SPLIT("PREPARE p AS SELECT $1; SELECT 2", "B1:PREPARE p AS SELECT $1|B1:SELECT 2",
          "$1 is a parameter, not a tag");
    SPLIT("SELECT a$b$c; SELECT 2", "B1:SELECT a$b$c|B1:SELECT 2", "$ inside an identifier");
    SPLIT("SELECT $_x1$;$_x1$;", "B1:SELECT $_x1$;$_x1$", "tag with underscore and digit");
}

static void test_routines(void)
{
    SPLIT("CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND;\nSELECT 3;",
          "B1:CREATE FUNCTION f() RETURNS int LANGUAGE sql~BEGIN ATOMIC~  SELECT 1;~  SELECT 2;~END|B6:SELECT 3",
          "BEGIN ATOMIC body of a SQL-standard function");
    SPLIT("create or replace procedure p() begin atomic select case when true then 1 end; end; select 3",
          "B1:create or replace procedure p() begin atomic select case when true then 1 end; end|B1:select 3",
          "CASE ... END inside the body");
    SPLIT("BEGIN; SELECT 1; COMMIT;", "B1:BEGIN|B1:SELECT 1|B1:COMMIT",
          "BEGIN outside a routine is a statement");
    SPLIT("CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END; SELECT 2",
          "B1:CREATE VIEW v AS SELECT CASE WHEN true THEN 1 END|B1:SELECT 2", "CASE in a view");
    SPLIT("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2)); SELECT 2",
          "B1:CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2))|B1:SELECT 2",
          "semicolons inside parentheses (as psql)");
    SPLIT("SELECT (1)); SELECT 2", "B1:SELECT (1))|B1:SELECT 2", "an extra ')' does not go negative");
}

static void test_markers(void)
{
    const char *two = "CREATE TABLE a (x int);\n"
                      "-- pgmap: after load\n"
                      "ALTER TABLE a ADD PRIMARY KEY (x);\n"
                      "CREATE INDEX ON a (x);\n";
    SPLIT(two, "B1:CREATE TABLE a (x int)|A3:ALTER TABLE a ADD PRIMARY KEY (x)|A4:CREATE INDEX ON a (x)",
          "before and after parts");
    SPLIT("-- pgmap: after load  \t\nSELECT 1;", "A2:SELECT 1", "marker with trailing blanks, empty before part");
    SPLIT("SELECT 1;\n-- pgmap: after load\r\nSELECT 2;", "B1:SELECT 1|A3:SELECT 2", "marker with CRLF");
    SPLIT("SELECT 1;\n-- pgmap: after load\n", "B1:SELECT 1", "marker with an empty after part");
    SPLIT("SELECT 1;\n  -- pgmap: after load\nSELECT 2;", "B1:SELECT 1|B3:SELECT 2",
          "an indented marker is only a comment");
    SPLIT("SELECT 1;\n-- pgmap: after loading\nSELECT 2;", "B1:SELECT 1|B3:SELECT 2",
          "a longer line is not the marker");
    SPLIT("SELECT 1; -- pgmap: after load\nSELECT 2;", "B1:SELECT 1|B2:SELECT 2",
          "the marker must start its line");
    SPLIT("SELECT '\n-- pgmap: after load\n';", "B1:SELECT '~-- pgmap: after load~'",
          "the marker inside a string is text");
    SPLIT("/*\n-- pgmap: after load\n*/ SELECT 1;", "B3:SELECT 1", "the marker inside a block comment");
    SPLIT("SELECT 1;\n-- pgmap: after load\n"
          "-- pgmap: optional\nCREATE VIEW v AS SELECT 1;\n"
          "ALTER TABLE a ADD PRIMARY KEY (x);\n",
          "B1:SELECT 1|A4?:CREATE VIEW v AS SELECT 1|A5:ALTER TABLE a ADD PRIMARY KEY (x)",
          "an optional statement, then a mandatory one");
    SPLIT("-- pgmap: after load\n-- pgmap: optional\n-- the view below may fail\n\n/* x */\nSELECT 1;",
          "A6?:SELECT 1", "other comments and blank lines between the optional marker and the statement");
    SPLIT("-- pgmap: after load\n-- pgmap: optional   \nSELECT 1; SELECT 2;", "A3?:SELECT 1|A3:SELECT 2",
          "the optional marker applies to one statement only");
    SPLIT("-- pgmap: after load\n-- pgmap: optional\n;\nSELECT 1;", "A4?:SELECT 1",
          "an empty statement does not use up the optional marker");
    SPLIT("-- pgmap: after load\n--pgmap: optional\nSELECT 1;", "A3:SELECT 1",
          "the optional marker is spelled exactly");
}

static void test_errors(void)
{
    SPLIT("SELECT 1;\nSELECT 'abc;\n", "ERR:f.ddl:2: unterminated quoted string", "unterminated string");
    SPLIT("SELECT E'abc\\';", "ERR:f.ddl:1: unterminated quoted string", "unterminated E string");
    SPLIT("\n\nCREATE TABLE \"a (x int);", "ERR:f.ddl:3: unterminated quoted identifier",
          "unterminated identifier");
    SPLIT("SELECT 1;\n/* a\n/* b */\n", "ERR:f.ddl:2: unterminated /* comment", "unterminated nested comment");
    SPLIT("DO $x$\nBEGIN\nEND $y$;", "ERR:f.ddl:1: unterminated dollar-quoted string $x$",
          "unterminated dollar quote");
    SPLIT("SELECT 1\n-- pgmap: after load\nSELECT 2;",
          "ERR:f.ddl:2: \"-- pgmap: after load\" inside a statement (is the ';' above it missing?)",
          "marker after a statement without ';'");
    SPLIT("-- pgmap: after load\nSELECT 1;\n-- pgmap: after load\n",
          "ERR:f.ddl:3: a second \"-- pgmap: after load\" line (the first is line 1)", "two markers");
    SPLIT("-- pgmap: optional\nSELECT 1;",
          "ERR:f.ddl:1: \"-- pgmap: optional\" only applies after the \"-- pgmap: after load\" line",
          "optional in the before part");
    SPLIT("-- pgmap: after load\nSELECT 1;\n-- pgmap: optional\n",
          "ERR:f.ddl:3: \"-- pgmap: optional\" is not followed by a statement", "optional at the end");
    SPLIT("-- pgmap: after load\nSELECT 1\n-- pgmap: optional\nSELECT 2;",
          "ERR:f.ddl:3: \"-- pgmap: optional\" inside a statement (is the ';' above it missing?)",
          "optional inside a statement");
    DdlScript s;
    PgmError e = {0};
    ok(ddl_script_parse("SELECT '", NULL, &s, &e) == PGM_FAIL, "no name: fails");
    is_str(e.msg, "line 1: unterminated quoted string", "no name: message says line");
    ddl_script_free(&s);
}

static void test_counts(void)
{
    DdlScript s;
    PgmError e = {0};
    int rc = ddl_script_parse("CREATE TABLE a (x int);\n-- pgmap: after load\n-- pgmap: optional\n"
                              "CREATE VIEW v AS SELECT 1;\nSELECT 2;\n-- pgmap: optional\nSELECT 3;\n",
                              "x.ddl", &s, &e);
    is_int(rc, PGM_OK, "parse ok");
    is_int(s.nbefore, 1, "one before");
    is_int(s.nafter, 3, "three after");
    is_int(s.noptional, 2, "two optional");
    is_int(s.marker_line, 2, "marker line");
    ddl_script_free(&s);
    is_int(s.nafter, 0, "free clears");
    ddl_script_free(NULL);
    ok(1, "free(NULL) is fine");
}

int main(void)
{
    test_basic();
    test_quoting();
    test_dollar();
    test_routines();
    test_markers();
    test_errors();
    test_counts();
    return done_testing();
}
