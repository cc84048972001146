/* sqlx_test.h - helpers shared by the SQLite SQL translator's unit tests
 * (t_sqlite_sql.c, t_sqlite_ddl.c): a rename callback that knows a few
 * names, and one-call wrappers that render a translation or its refusal
 * as one comparable string. */
#ifndef PGMAP_SQLX_TEST_H
#define PGMAP_SQLX_TEST_H

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

static inline const char *ren(void *ud, const char *s)
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

static inline const char *show(int rc, SqlXlate *x)
{
    if (rc == 0)
        snprintf(res, sizeof res, "%s", x->sql ? x->sql : "(null)");
    else
        snprintf(res, sizeof res, "ERR:%s%s", x->why, x->sql ? " (sql set!)" : "");
    sqlx_free(x);
    return res;
}

static inline const char *X(const char *e)
{
    SqlXlate x;
    return show(sqlx_expr(e, &NS, &x), &x);
}

static inline const char *XN(const char *e)
{
    SqlXlate x;
    return show(sqlx_expr(e, NULL, &x), &x);
}

static inline const char *D(const char *d, PgTypeKind k)
{
    SqlXlate x;
    return show(sqlx_default(d, k, &NS, &x), &x);
}

static inline const char *V(const char *v)
{
    SqlXlate x;
    return show(sqlx_view(v, &NS, &x), &x);
}

static inline const char *I(const char *s)
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
static inline const char *C(const char *create)
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

static inline const char *G(const char *create)
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
static inline const char *nm(const char *s)
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

#endif
