/* verify_ddl.c - the DDL recognizer of `pgmap verify` (verify_ddl.h): a
 * recognizer of the few statement shapes whose objects verify checks, over
 * the tokens of verify_ddl_lex.c.
 *
 * Whatever it does not understand it skips to the next element, action or
 * statement and counts as unchecked; it never fails, because the file has
 * already been accepted by the server and a misreading here must not turn
 * into a false finding. */
#include "verify_ddl_internal.h"

#include <stdlib.h>
#include <string.h>

static void name_free(VdName *n)
{
    free(n->schema);
    free(n->name);
    memset(n, 0, sizeof *n);
}

static void name_copy(VdName *dst, const VdName *src)
{
    dst->schema = src->schema ? xstrdup(src->schema) : NULL;
    dst->name = xstrdup(src->name);
}

static int name_same(const VdName *a, const VdName *b)
{
    if ((a->schema == NULL) != (b->schema == NULL))
        return 0;
    return strcmp(a->name, b->name) == 0 && (!a->schema || strcmp(a->schema, b->schema) == 0);
}

/* [database.][schema.]name; the file's search_path schema when unqualified. */
static int parse_name(P *p, VdName *out)
{
    char *part[3] = {NULL, NULL, NULL};
    int k = 0;
    memset(out, 0, sizeof *out);
    if (!(part[k++] = take_ident(p)))
        return 0;
    while (k < 3 && op_at(p, 0, ".") && is_ident(at(p, 1))) {
        next(p);
        part[k++] = take_ident(p);
    }
    out->name = part[k - 1];
    out->schema = k > 1 ? part[k - 2] : NULL;
    if (k == 3)
        free(part[0]);
    if (!out->schema && p->d->search_schema)
        out->schema = xstrdup(p->d->search_schema);
    return 1;
}

/* ( a, b, ... ) of plain names into l; 0 when it is anything else. */
static int parse_cols(P *p, VdList *l)
{
    if (!accept_op(p, "("))
        return 0;
    do {
        if (!is_ident(at(p, 0)))
            return 0;
        vd_list_push(l, at(p, 0)->text);
        next(p);
    } while (accept_op(p, ","));
    return accept_op(p, ")");
}

static void con_free(VdConstraint *c)
{
    free(c->name);
    name_free(&c->table);
    vd_list_free(&c->cols);
    name_free(&c->ref);
    vd_list_free(&c->ref_cols);
}

static void push_con(VdDdl *d, const VdConstraint *c)
{
    d->cons = vd_grow(d->cons, d->ncons, sizeof *d->cons);
    d->cons[d->ncons++] = *c;
}

/* Takes name over; returns the table's index. */
static size_t push_table(VdDdl *d, const VdName *name, int line, int created)
{
    d->tables = vd_grow(d->tables, d->ntables, sizeof *d->tables);
    VdTable *t = &d->tables[d->ntables];
    memset(t, 0, sizeof *t);
    t->name = *name;
    t->line = line;
    t->created = created;
    return d->ntables++;
}

/* ---- column definitions ---- */

/* Words that end a column's type: the column constraints and options. */
static int ends_type(const Tok *t)
{
    static const char *const stop[] = {
        "constraint", "not", "null", "default", "primary", "unique", "references", "check",
        "generated", "collate", "storage", "compression", "deferrable", "initially"};
    for (size_t k = 0; t->kind == T_WORD && k < sizeof stop / sizeof *stop; k++)
        if (strcmp(t->text, stop[k]) == 0)
            return 1;
    return 0;
}

/* The type's tokens joined back into SQL: one blank between words, none
 * around brackets, commas and dots; quoted names quoted again. */
static char *take_type(P *p)
{
    Buf b;
    const Tok *prev = NULL;
    int depth = 0;
    buf_init(&b);
    while (!at_end(p)) {
        const Tok *t = at(p, 0);
        int open = op_at(p, 0, "(") || op_at(p, 0, "["), close = op_at(p, 0, ")") || op_at(p, 0, "]");
        if (depth == 0 && (op_at(p, 0, ",") || op_at(p, 0, ")") || ends_type(t)))
            break;
        depth += open - close;
        if (prev && !(prev->kind == T_OP && strchr("([.,", prev->text[0])) &&
            !(t->kind == T_OP && strchr("()[],.", t->text[0])))
            buf_putc(&b, ' ');
        if (t->kind == T_QID)
            quote_ident_dq(&b, t->text);
        else
            buf_puts(&b, t->text);
        prev = t;
        next(p);
    }
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

/* serial types are integers with a sequence the column owns. */
static void serial_type(VdColumn *c)
{
    static const char *const map[][2] = {{"serial", "integer"},     {"serial4", "integer"},
                                         {"bigserial", "bigint"},   {"serial8", "bigint"},
                                         {"smallserial", "smallint"}, {"serial2", "smallint"}};
    for (size_t k = 0; c->type && k < sizeof map / sizeof *map; k++)
        if (strcmp(c->type, map[k][0]) == 0) {
            free(c->type);
            c->type = xstrdup(map[k][1]);
            c->serial = 1;
            return;
        }
}

/* After REFERENCES: the table and its optional column list. */
static int parse_ref(P *p, VdConstraint *c)
{
    return parse_name(p, &c->ref) && (!op_at(p, 0, "(") || parse_cols(p, &c->ref_cols));
}

/* An inline PRIMARY KEY, UNIQUE or REFERENCES of column col. */
static void column_key(P *p, VdConKind kind, const VdName *table, const char *col, char **conname)
{
    VdConstraint c = {0};
    c.kind = kind;
    c.name = *conname;
    *conname = NULL;
    c.line = p->line;
    name_copy(&c.table, table);
    vd_list_push(&c.cols, col);
    if (kind == VD_FOREIGN && !parse_ref(p, &c)) {
        con_free(&c);
        p->d->unchecked++;
        return;
    }
    push_con(p->d, &c);
}

/* GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY, or ALWAYS AS (expr) STORED. */
static void generated(P *p, VdColumn *col)
{
    if (!accept(p, "always") && accept(p, "by"))
        accept(p, "default");
    if (accept(p, "as") && accept(p, "identity"))
        col->identity = 1;
}

/* The column constraints after the type; everything not named here
 * (NOT NULL, DEFAULT expr, ON DELETE ..., sequence options) is skipped,
 * a group at a time. */
static void column_constraints(P *p, VdColumn *col, const VdName *table)
{
    char *conname = NULL;
    while (!at_end(p) && !op_at(p, 0, ",") && !op_at(p, 0, ")")) {
        if (accept(p, "constraint")) {
            free(conname);
            conname = take_ident(p);
        } else if (accept(p, "primary")) {
            accept(p, "key");
            column_key(p, VD_PRIMARY, table, col->name, &conname);
        } else if (accept(p, "unique")) {
            column_key(p, VD_UNIQUE, table, col->name, &conname);
        } else if (accept(p, "references")) {
            column_key(p, VD_FOREIGN, table, col->name, &conname);
        } else if (accept(p, "check")) {
            p->d->unchecked++;
            skip_token(p);
        } else if (accept(p, "generated")) {
            generated(p, col);
        } else {
            skip_token(p);
        }
    }
    free(conname);
}

/* name type [constraints], appended to table ti. */
static void parse_column(P *p, size_t ti)
{
    VdColumn col = {0};
    col.line = p->line;
    if (!(col.name = take_ident(p))) {
        p->d->unchecked++;
        skip_element(p);
        return;
    }
    col.type = take_type(p);
    serial_type(&col);
    column_constraints(p, &col, &p->d->tables[ti].name);
    VdTable *t = &p->d->tables[ti];
    t->cols = vd_grow(t->cols, t->ncols, sizeof *t->cols);
    t->cols[t->ncols++] = col;
}

/* ---- tables ---- */

static int constraint_start(const P *p)
{
    return kw(p, "constraint") || kw(p, "primary") || kw(p, "unique") || kw(p, "foreign") ||
           kw(p, "check") || (kw(p, "exclude") && (op_at(p, 1, "(") || kw_at(p, 1, "using")));
}

/* [CONSTRAINT name] PRIMARY KEY (..) | UNIQUE (..) | FOREIGN KEY (..)
 * REFERENCES t [(..)], in CREATE TABLE or ALTER TABLE ADD; CHECK, EXCLUDE
 * and USING INDEX forms are unchecked. */
static void table_constraint(P *p, const VdName *table)
{
    VdConstraint c = {0};
    int ok = 0;
    c.line = p->line;
    if (accept(p, "constraint"))
        c.name = take_ident(p);
    if (accept(p, "primary") && accept(p, "key")) {
        c.kind = VD_PRIMARY;
        ok = parse_cols(p, &c.cols);
    } else if (accept(p, "unique")) {
        c.kind = VD_UNIQUE;
        if (accept(p, "nulls")) {
            accept(p, "not");
            accept(p, "distinct");
        }
        ok = parse_cols(p, &c.cols);
    } else if (accept(p, "foreign") && accept(p, "key")) {
        c.kind = VD_FOREIGN;
        ok = parse_cols(p, &c.cols) && accept(p, "references") && parse_ref(p, &c);
    }
    if (ok) {
        name_copy(&c.table, table);
        push_con(p->d, &c);
    } else {
        con_free(&c);
        p->d->unchecked++;
    }
    skip_element(p);
}

static void create_table(P *p)
{
    VdName name;
    accept_if_not_exists(p);
    if (!parse_name(p, &name)) {
        p->d->unchecked++;
        return;
    }
    /* A partition's columns are its parent's: only the table is checked. */
    if (kw(p, "partition") && kw_at(p, 1, "of")) {
        push_table(p->d, &name, p->line, 1);
        return;
    }
    /* OF type, AS query, (a, b) AS query: columns the file does not spell. */
    if (!op_at(p, 0, "(") || word_follows(p, "as")) {
        name_free(&name);
        p->d->unchecked++;
        return;
    }
    size_t ti = push_table(p->d, &name, p->line, 1);
    next(p);
    while (!at_end(p) && !op_at(p, 0, ")")) {
        if (constraint_start(p)) {
            table_constraint(p, &p->d->tables[ti].name);
        } else if (kw(p, "like")) {
            p->d->unchecked++;
            skip_element(p);
        } else {
            parse_column(p, ti);
        }
        accept_op(p, ",");
    }
}

/* The table an ALTER TABLE ADD COLUMN joins (added when the file does not
 * create it). */
static size_t table_for(VdDdl *d, const VdName *name, int line)
{
    for (size_t i = 0; i < d->ntables; i++)
        if (name_same(&d->tables[i].name, name))
            return i;
    VdName copy;
    name_copy(&copy, name);
    return push_table(d, &copy, line, 0);
}

/* ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, ...]: the ADD actions
 * are read, every other action is unchecked. */
static void alter_table(P *p)
{
    VdName name;
    if (kw(p, "if") && kw_at(p, 1, "exists"))
        p->i += 2;
    accept(p, "only");
    if (!parse_name(p, &name)) {
        p->d->unchecked++;
        return;
    }
    accept_op(p, "*");
    do {
        if (!accept(p, "add")) {
            p->d->unchecked++;
            skip_element(p);
        } else if (constraint_start(p)) {
            table_constraint(p, &name);
        } else {
            accept(p, "column");
            accept_if_not_exists(p);
            parse_column(p, table_for(p->d, &name, p->line));
        }
    } while (accept_op(p, ","));
    name_free(&name);
}

/* ---- indexes and sequences ---- */

/* The items of an index: plain column names (with collation, operator
 * class, ordering), or any expression, which makes it an expression index. */
static void index_items(P *p, VdIndex *x)
{
    do {
        if (is_ident(at(p, 0)) && (is_ident(at(p, 1)) || op_at(p, 1, ",") || op_at(p, 1, ")")))
            vd_list_push(&x->cols, at(p, 0)->text);
        else
            x->expression = 1;
        skip_element(p);
    } while (accept_op(p, ","));
}

/* CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY]
 * table [USING method] (items) [...] [WHERE predicate] */
static void create_index(P *p, int unique)
{
    VdIndex x = {0};
    x.unique = unique;
    x.line = p->line;
    accept(p, "concurrently");
    accept_if_not_exists(p);
    if (!kw(p, "on"))
        x.name = take_ident(p);
    int ok = accept(p, "on");
    if (ok) {
        accept(p, "only");
        ok = parse_name(p, &x.table);
    }
    if (ok && accept(p, "using"))
        next(p);
    if (ok && (ok = accept_op(p, "(")) != 0) {
        index_items(p, &x);
        ok = accept_op(p, ")");
    }
    if (!ok) {
        free(x.name);
        name_free(&x.table);
        vd_list_free(&x.cols);
        p->d->unchecked++;
        return;
    }
    x.partial = word_follows(p, "where");
    if (x.expression)
        vd_list_free(&x.cols);
    p->d->indexes = vd_grow(p->d->indexes, p->d->nindexes, sizeof *p->d->indexes);
    p->d->indexes[p->d->nindexes++] = x;
}

static void create_sequence(P *p)
{
    VdSequence s = {0};
    accept_if_not_exists(p);
    if (!parse_name(p, &s.name)) {
        p->d->unchecked++;
        return;
    }
    s.line = p->line;
    p->d->seqs = vd_grow(p->d->seqs, p->d->nseqs, sizeof *p->d->seqs);
    p->d->seqs[p->d->nseqs++] = s;
}

/* ---- statements ---- */

static int real_schema(const char *s)
{
    return *s && strcmp(s, "$user") != 0 && strcmp(s, "pg_catalog") != 0;
}

/* The first real schema of a search_path item: a name, or a string
 * holding a list of names (which the server folds like identifiers). */
static char *path_schema(const Tok *t)
{
    if (is_ident(t))
        return real_schema(t->text) ? xstrdup(t->text) : NULL;
    for (const char *s = t->text + 1; t->kind == T_STR && t->text[0] == '\'' && *s;) {
        s += strspn(s, " ,");
        size_t n = strcspn(s, ",'");
        char *w = xstrndup(s, n);
        for (size_t k = n; k > 0 && w[k - 1] == ' '; k--)
            w[k - 1] = '\0';
        if (w[0] == '"' && strlen(w) >= 2) {
            memmove(w, w + 1, strlen(w));
            w[strlen(w) - 1] = '\0';
        } else {
            for (char *q = w; *q; q++)
                if (*q >= 'A' && *q <= 'Z')
                    *q = (char)(*q - 'A' + 'a');
        }
        if (real_schema(w))
            return w;
        free(w);
        s += n + (s[n] == ',');
        if (*s == '\'')
            break;
    }
    return NULL;
}

/* SET [SESSION | LOCAL] search_path {TO | =} ... and RESET search_path:
 * unqualified names after it live in its first real schema. */
static void set_path(P *p, int reset)
{
    if (!reset && !accept(p, "session"))
        accept(p, "local");
    if (!accept(p, "search_path") || (!reset && !accept(p, "to") && !accept_op(p, "=")))
        return;
    free(p->d->search_schema);
    p->d->search_schema = NULL;
    for (; !reset && !at_end(p) && !kw(p, "default"); next(p)) {
        if ((p->d->search_schema = path_schema(at(p, 0))) != NULL)
            return;
    }
}

static void create(P *p)
{
    int temp = 0;
    if (kw(p, "schema"))
        return;
    if (accept(p, "global") || accept(p, "local"))
        temp = 1;
    if (accept(p, "temporary") || accept(p, "temp"))
        temp = 1;
    else
        accept(p, "unlogged");
    /* Temporary objects are gone by the time verify runs. */
    if (!temp && accept(p, "table"))
        create_table(p);
    else if (!temp && accept(p, "sequence"))
        create_sequence(p);
    else if (!temp && accept(p, "index"))
        create_index(p, 0);
    else if (!temp && accept(p, "unique") && accept(p, "index"))
        create_index(p, 1);
    else
        p->d->unchecked++;
}

void vd_statement(VdDdl *d, const char *sql, int line)
{
    static const char *const quiet[] = {"begin", "commit", "start", "end", "rollback",
                                        "savepoint", "release"};
    Toks t;
    vd_tokenize(sql, &t);
    P p = {t.v, t.n, 0, d, line};
    int is_quiet = 0, reset = kw(&p, "reset");
    for (size_t k = 0; k < sizeof quiet / sizeof *quiet; k++)
        is_quiet |= kw(&p, quiet[k]);
    if (accept(&p, "create"))
        create(&p);
    else if (accept(&p, "alter") && accept(&p, "table"))
        alter_table(&p);
    else if (accept(&p, "set") || accept(&p, "reset"))
        set_path(&p, reset);
    else if (!is_quiet && !at_end(&p))
        d->unchecked++;
    vd_toks_free(&t);
}

void vd_script(VdDdl *d, const DdlScript *s)
{
    for (size_t i = 0; i < s->nbefore; i++)
        vd_statement(d, s->before[i].sql, s->before[i].line);
    for (size_t i = 0; i < s->nafter; i++)
        vd_statement(d, s->after[i].sql, s->after[i].line);
}

void vd_free(VdDdl *d)
{
    for (size_t i = 0; i < d->ntables; i++) {
        VdTable *t = &d->tables[i];
        for (size_t k = 0; k < t->ncols; k++) {
            free(t->cols[k].name);
            free(t->cols[k].type);
        }
        free(t->cols);
        name_free(&t->name);
    }
    for (size_t i = 0; i < d->ncons; i++)
        con_free(&d->cons[i]);
    for (size_t i = 0; i < d->nindexes; i++) {
        free(d->indexes[i].name);
        name_free(&d->indexes[i].table);
        vd_list_free(&d->indexes[i].cols);
    }
    for (size_t i = 0; i < d->nseqs; i++)
        name_free(&d->seqs[i].name);
    free(d->tables);
    free(d->cons);
    free(d->indexes);
    free(d->seqs);
    free(d->search_schema);
    memset(d, 0, sizeof *d);
}
