/* init_pg_ddl.c - writes the DDL file of `pgmap init` from a PostgreSQL
 * schema: the target schema, its enum types and domains, sequences and
 * tables (columns with their exact types, NOT NULL, defaults, identity,
 * generated columns, CHECKs) before `-- pgmap: after load`; after it the
 * primary keys, unique and exclusion constraints, indexes, sequence
 * positions, foreign keys, views and comments; then, as comments, what is
 * not carried.
 *
 * Expressions are the server's own text, printed while search_path named
 * the source schema first; each part of the file starts with SET LOCAL
 * search_path naming the target schema first, so the same text binds to
 * the target's objects.  SET LOCAL because pgmap runs the file inside its
 * transaction (and the after part in another one when a run resumes): the
 * setting ends with it.  Every object created is qualified explicitly. */
#include "init.h"
#include "init_pg.h"

#include <string.h>

void ipg_comment_lines(Buf *b, const char *text)
{
    const char *p = text;
    for (;;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n && p[n - 1] == '\r')
            n--;
        /* a line reading "pgmap: ..." would become one of the file's markers */
        buf_puts(b, strncmp(p, "pgmap:", 6) == 0 ? "--  " : "-- ");
        buf_append(b, p, n);
        buf_putc(b, '\n');
        if (!nl)
            break;
        p = nl + 1;
    }
}

static void qualified(const IpgDb *db, Buf *b, const char *name)
{
    sql_quote_qualified(b, db->target, name);
}

static void set_search_path(const IpgDb *db, Buf *b)
{
    buf_puts(b, "SET LOCAL search_path = ");
    sql_quote_ident(b, db->target);
    if (db->ext_in_schema && strcmp(db->schema, db->target) != 0) {
        buf_puts(b, ", ");   /* the extensions' objects are referenced where they are */
        sql_quote_ident(b, db->schema);
    }
    buf_puts(b, ", pg_catalog;\n");
}

/* Text as the server printed it, without the trailing ';' it may have. */
static void trimmed(Buf *b, const char *s)
{
    size_t n = strlen(s);
    while (n && strchr(" \t\r\n;", s[n - 1]))
        n--;
    buf_append(b, s, n);
}

static void optional(Buf *b)
{
    buf_puts(b, "-- pgmap: optional\n");
}

static void write_header(const IpgDb *db, Buf *b)
{
    Buf h;
    buf_init(&h);
    /* not the URI: it may hold a password */
    buf_printf(&h, "Schema %s of the source database as schema %s, written by pgmap init.", db->schema,
               db->target);
    ipg_comment_lines(b, h.data);
    buf_free(&h);
    buf_puts(b, "-- pgmap run creates the part above `pgmap: after load` when the tables are\n"
                "-- missing, loads the rows, then runs the rest.  A statement marked\n"
                "-- `pgmap: optional` that PostgreSQL refuses is reported, not fatal.\n"
                "-- SET LOCAL lasts until the end of the transaction: by hand, run the file\n"
                "-- with psql --single-transaction.\n\n");
    buf_puts(b, "CREATE SCHEMA IF NOT EXISTS ");
    sql_quote_ident(b, db->target);
    buf_puts(b, ";\n");
    set_search_path(db, b);
}

static void write_type(const IpgDb *db, const IpgType *t, Buf *b)
{
    buf_puts(b, "CREATE ");
    if (t->kind == 'e') {
        buf_puts(b, "TYPE ");
        qualified(db, b, t->name);
        buf_puts(b, " AS ENUM (");
        for (size_t i = 0; i < t->nlabels; i++) {
            buf_puts(b, i ? ", " : "");
            sql_quote_literal(b, t->labels[i]);
        }
        buf_puts(b, ");\n");
        return;
    }
    buf_puts(b, "DOMAIN ");
    qualified(db, b, t->name);
    buf_printf(b, " AS %s", t->base);
    if (t->collation)
        buf_printf(b, " COLLATE %s", t->collation);
    if (t->dflt)
        buf_printf(b, " DEFAULT %s", t->dflt);
    if (t->notnull)
        buf_puts(b, " NOT NULL");
    for (size_t i = 0; i < t->nchecks; i++) {
        const IpgCon *k = &t->checks[i];
        if (k->funcs || !k->validated)
            continue;   /* not carried / added NOT VALID after the load */
        buf_puts(b, "\n    CONSTRAINT ");
        sql_quote_ident(b, k->name);
        buf_printf(b, " %s", k->def);
    }
    buf_puts(b, ";\n");
}

static void sequence_options(const IpgSeq *s, Buf *b)
{
    buf_printf(b, "START WITH %s INCREMENT BY %s MINVALUE %s MAXVALUE %s CACHE %s %sCYCLE", s->start, s->inc,
               s->min, s->max, s->cache, s->cycle ? "" : "NO ");
}

static void setval(const IpgDb *db, const IpgSeq *s, Buf *b)
{
    Buf q;
    buf_init(&q);
    qualified(db, &q, s->name);
    buf_puts(b, "SELECT setval(");
    sql_quote_literal(b, q.data);
    buf_printf(b, ", %s, %s);\n", s->last, s->called ? "true" : "false");
    buf_free(&q);
}

static void write_sequence(const IpgDb *db, const IpgSeq *s, Buf *b)
{
    buf_puts(b, "CREATE SEQUENCE ");
    qualified(db, b, s->name);
    buf_printf(b, " AS %s ", s->type);
    sequence_options(s, b);
    buf_puts(b, ";\n");
    if (s->last)
        setval(db, s, b);
}

static void write_column(const IpgDb *db, const IpgColumn *c, int last, Buf *b)
{
    buf_puts(b, "    ");
    sql_quote_ident(b, c->name);
    buf_printf(b, " %s", c->type);
    if (c->collation)
        buf_printf(b, " COLLATE %s", c->collation);
    if (c->generated && !c->dflt_funcs) {
        buf_printf(b, " GENERATED ALWAYS AS (%s) %s", c->dflt, c->generated == 'v' ? "VIRTUAL" : "STORED");
    } else if (c->identity || c->serial) {
        buf_printf(b, " GENERATED %s AS IDENTITY", c->identity == 'a' ? "ALWAYS" : "BY DEFAULT");
        if (c->seq) {
            buf_puts(b, " (SEQUENCE NAME ");
            qualified(db, b, c->seq->name);
            buf_putc(b, ' ');
            sequence_options(c->seq, b);
            buf_putc(b, ')');
        }
    } else if (c->dflt && !c->dflt_funcs && !c->generated) {
        buf_printf(b, " DEFAULT %s", c->dflt);
    }
    if (c->notnull)
        buf_puts(b, " NOT NULL");
    buf_puts(b, last ? "\n" : ",\n");
}

/* A CHECK that can be in CREATE TABLE: validated, calling nothing missing. */
static int inline_check(const IpgCon *k)
{
    return k->type == 'c' && k->validated && !k->funcs;
}

static void write_table(const IpgDb *db, const IpgTable *t, Buf *b)
{
    buf_putc(b, '\n');
    if (t->kind == 'p') {
        Buf h;
        buf_init(&h);
        buf_printf(&h, "%s: PARTITION BY %s in the source; one plain table here with the rows of %s", t->name,
                   t->partkey ? t->partkey : "?", t->partitions ? t->partitions : "no partition");
        ipg_comment_lines(b, h.data);
        buf_free(&h);
    }
    buf_printf(b, "CREATE %sTABLE ", t->unlogged ? "UNLOGGED " : "");
    qualified(db, b, t->name);
    buf_puts(b, " (\n");
    size_t nchecks = 0;
    for (size_t i = 0; i < t->ncons; i++)
        nchecks += (size_t)inline_check(&t->cons[i]);
    for (size_t i = 0; i < t->ncols; i++)
        write_column(db, &t->cols[i], i + 1 == t->ncols && !nchecks, b);
    for (size_t i = 0, k = 0; i < t->ncons; i++) {
        if (!inline_check(&t->cons[i]))
            continue;
        buf_puts(b, "    CONSTRAINT ");
        sql_quote_ident(b, t->cons[i].name);
        buf_printf(b, " %s%s", t->cons[i].def, ++k == nchecks ? "\n" : ",\n");
    }
    buf_puts(b, ");\n");
}

static void alter_table(const IpgDb *db, const IpgTable *t, Buf *b)
{
    buf_puts(b, "ALTER TABLE ");
    qualified(db, b, t->name);
}

static void write_index(const IpgDb *db, const char *table, const IpgIndex *x, Buf *b)
{
    if (!x->rest)
        return;   /* a note already */
    optional(b);
    buf_printf(b, "CREATE %sINDEX ", x->unique ? "UNIQUE " : "");
    sql_quote_ident(b, x->name);
    buf_puts(b, " ON ");
    qualified(db, b, table);
    buf_printf(b, " USING %s %s;\n", x->am, x->rest);
}

/* Keys, constraints added after the load, indexes, late defaults and the
 * positions of the sequences that came with their columns. */
static void write_after(const IpgDb *db, const IpgTable *t, Buf *b)
{
    buf_putc(b, '\n');
    ipg_comment_lines(b, t->name);
    for (size_t i = 0; i < t->ncons; i++) {
        const IpgCon *k = &t->cons[i];
        if (k->type == 'f' || inline_check(k))
            continue;
        if (k->type != 'p')
            optional(b);   /* only the primary key is mandatory: re-runs upsert on it */
        alter_table(db, t, b);
        buf_puts(b, " ADD CONSTRAINT ");
        sql_quote_ident(b, k->name);
        buf_printf(b, " %s;\n", k->def);
    }
    for (size_t i = 0; i < t->nidx; i++)
        write_index(db, t->name, &t->idx[i], b);
    for (size_t i = 0; i < t->ncols; i++) {
        const IpgColumn *c = &t->cols[i];
        if (c->dflt && c->dflt_funcs && !c->generated) {
            optional(b);
            alter_table(db, t, b);
            buf_puts(b, " ALTER COLUMN ");
            sql_quote_ident(b, c->name);
            buf_printf(b, " SET DEFAULT %s;\n", c->dflt);
        }
        if (c->seq && c->seq->last) {
            optional(b);
            setval(db, c->seq, b);
        }
    }
}

static void write_foreign_keys(const IpgDb *db, Buf *b)
{
    buf_puts(b, "\n-- Foreign keys, once every table is loaded and keyed.\n");
    for (size_t i = 0; i < db->ntables; i++) {
        const IpgTable *t = &db->tables[i];
        for (size_t k = 0; k < t->ncons; k++) {
            if (t->cons[k].type != 'f')
                continue;
            optional(b);
            alter_table(db, t, b);
            buf_puts(b, " ADD CONSTRAINT ");
            sql_quote_ident(b, t->cons[k].name);
            buf_printf(b, " %s;\n", t->cons[k].def);
        }
    }
}

/* Sequences that did not come with a column: their owner, if carried. */
static void write_owned_by(const IpgDb *db, Buf *b)
{
    for (size_t i = 0; i < db->nseqs; i++) {
        const IpgSeq *s = &db->seqs[i];
        const IpgTable *owner = NULL;
        for (size_t k = 0; s->owner_oid && !s->with_column && k < db->ntables; k++)
            if (strcmp(db->tables[k].oid, s->owner_oid) == 0)
                owner = &db->tables[k];
        if (!owner)
            continue;
        optional(b);
        buf_puts(b, "ALTER SEQUENCE ");
        qualified(db, b, s->name);
        buf_puts(b, " OWNED BY ");
        qualified(db, b, owner->name);
        buf_putc(b, '.');
        sql_quote_ident(b, s->owner_col);
        buf_puts(b, ";\n");
    }
}

static void write_views(const IpgDb *db, Buf *b)
{
    if (db->nviews)
        buf_puts(b, "\n-- Views, each after the views it reads.\n");
    for (size_t i = 0; i < db->nviews; i++) {
        const IpgView *v = &db->views[i];
        optional(b);
        buf_printf(b, "CREATE %sVIEW ", v->kind == 'm' ? "MATERIALIZED " : "");
        qualified(db, b, v->name);
        if (v->options && *v->options)
            buf_printf(b, " WITH (%s)", v->options);
        buf_puts(b, " AS\n");
        trimmed(b, v->def);
        if (v->kind == 'm')
            buf_puts(b, v->populated ? "\n  WITH DATA" : "\n  WITH NO DATA");
        buf_puts(b, ";\n");
        for (size_t k = 0; k < v->nidx; k++)
            write_index(db, v->name, &v->idx[k], b);
    }
}

static void write_notes(const IpgDb *db, Buf *b)
{
    if (!db->nnotes)
        return;
    buf_puts(b, "\n-- Warnings of pgmap init: what is not carried, or carried with a change.\n");
    for (size_t i = 0; i < db->nnotes; i++) {
        buf_putc(b, '\n');
        ipg_comment_lines(b, db->notes[i].text);
        if (db->notes[i].sql) {
            buf_puts(b, "--\n");
            ipg_comment_lines(b, db->notes[i].sql);
        }
    }
}

void ipg_write_ddl(const IpgDb *db, Buf *b)
{
    write_header(db, b);
    if (db->ntypes)
        buf_puts(b, "\n-- Types.\n");
    for (size_t i = 0; i < db->ntypes; i++)
        write_type(db, &db->types[i], b);
    int free_seqs = 0;
    for (size_t i = 0; i < db->nseqs; i++)
        if (!db->seqs[i].with_column) {
            if (!free_seqs++)
                buf_puts(b, "\n-- Sequences (those of identity and serial columns come with their column).\n");
            write_sequence(db, &db->seqs[i], b);
        }
    for (size_t i = 0; i < db->ntables; i++)
        write_table(db, &db->tables[i], b);
    buf_puts(b, "\n-- pgmap: after load\n");
    set_search_path(db, b);
    for (size_t i = 0; i < db->ntables; i++)
        write_after(db, &db->tables[i], b);
    ipg_write_late_checks(db, b);
    write_owned_by(db, b);
    write_foreign_keys(db, b);
    write_views(db, b);
    ipg_write_comments(db, b);
    write_notes(db, b);
}
