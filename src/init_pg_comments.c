/* init_pg_comments.c - the end of the after part of the DDL that
 * `pgmap init` writes from a PostgreSQL schema: domain CHECKs that were
 * NOT VALID in the source (added NOT VALID again: the source never checked
 * its old values), and a COMMENT ON for every comment of a carried object
 * (types, domain constraints, sequences, tables, columns, constraints,
 * indexes, views).  All optional: a comment is never worth a failed run. */
#include "init.h"
#include "init_pg.h"

/* COMMENT ON <kind> "target"."name"[.<col>] IS '...'; */
static void comment_on(const IpgDb *db, Buf *b, const char *kind, const char *name, const char *col,
                       const char *text)
{
    if (!text)
        return;
    buf_printf(b, "-- pgmap: optional\nCOMMENT ON %s ", kind);
    sql_quote_qualified(b, db->target, name);
    if (col) {
        buf_putc(b, '.');
        sql_quote_ident(b, col);
    }
    buf_puts(b, " IS ");
    sql_quote_literal(b, text);
    buf_puts(b, ";\n");
}

/* COMMENT ON CONSTRAINT "c" ON [DOMAIN] "target"."owner" IS '...'; */
static void comment_on_constraint(const IpgDb *db, Buf *b, const IpgCon *k, const char *owner, int domain)
{
    if (!k->comment)
        return;
    buf_puts(b, "-- pgmap: optional\nCOMMENT ON CONSTRAINT ");
    sql_quote_ident(b, k->name);
    buf_puts(b, domain ? " ON DOMAIN " : " ON ");
    sql_quote_qualified(b, db->target, owner);
    buf_puts(b, " IS ");
    sql_quote_literal(b, k->comment);
    buf_puts(b, ";\n");
}

void ipg_write_late_checks(const IpgDb *db, Buf *b)
{
    int any = 0;
    for (size_t i = 0; i < db->ntypes; i++) {
        const IpgType *t = &db->types[i];
        for (size_t k = 0; k < t->nchecks; k++) {
            const IpgCon *c = &t->checks[k];
            if (c->validated || c->funcs)
                continue;
            if (!any++)
                buf_puts(b, "\n-- Domain constraints, NOT VALID as in the source.\n");
            buf_puts(b, "-- pgmap: optional\nALTER DOMAIN ");
            sql_quote_qualified(b, db->target, t->name);
            buf_puts(b, " ADD CONSTRAINT ");
            sql_quote_ident(b, c->name);
            buf_printf(b, " %s;\n", c->def);
        }
    }
}

static void table_comments(const IpgDb *db, const IpgTable *t, Buf *b)
{
    comment_on(db, b, "TABLE", t->name, NULL, t->comment);
    for (size_t i = 0; i < t->ncols; i++)
        comment_on(db, b, "COLUMN", t->name, t->cols[i].name, t->cols[i].comment);
    for (size_t i = 0; i < t->ncons; i++)
        comment_on_constraint(db, b, &t->cons[i], t->name, 0);
    for (size_t i = 0; i < t->nidx; i++)
        if (t->idx[i].rest)
            comment_on(db, b, "INDEX", t->idx[i].name, NULL, t->idx[i].comment);
}

static void view_comments(const IpgDb *db, const IpgView *v, Buf *b)
{
    comment_on(db, b, v->kind == 'm' ? "MATERIALIZED VIEW" : "VIEW", v->name, NULL, v->comment);
    for (size_t i = 0; i < v->ncolcom; i++)
        comment_on(db, b, "COLUMN", v->name, v->colcom[i].col, v->colcom[i].text);
    for (size_t i = 0; i < v->nidx; i++)
        if (v->idx[i].rest)
            comment_on(db, b, "INDEX", v->idx[i].name, NULL, v->idx[i].comment);
}

void ipg_write_comments(const IpgDb *db, Buf *b)
{
    Buf c;
    buf_init(&c);
    for (size_t i = 0; i < db->ntypes; i++) {
        const IpgType *t = &db->types[i];
        comment_on(db, &c, t->kind == 'd' ? "DOMAIN" : "TYPE", t->name, NULL, t->comment);
        for (size_t k = 0; k < t->nchecks; k++)
            if (!t->checks[k].funcs)
                comment_on_constraint(db, &c, &t->checks[k], t->name, 1);
    }
    for (size_t i = 0; i < db->nseqs; i++)
        comment_on(db, &c, "SEQUENCE", db->seqs[i].name, NULL, db->seqs[i].comment);
    for (size_t i = 0; i < db->ntables; i++)
        table_comments(db, &db->tables[i], &c);
    for (size_t i = 0; i < db->nviews; i++)
        view_comments(db, &db->views[i], &c);
    if (c.len) {
        buf_puts(b, "\n-- Comments.\n");
        buf_append(b, c.data, c.len);
    }
    buf_free(&c);
}
