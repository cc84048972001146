/* init_pg_yaml.c - the mapping `pgmap init` writes from a PostgreSQL
 * schema.  The target tables are made by the DDL file with the source's
 * names and types, so the mapping says little: each table's source and
 * key (mode replace without one, so a re-run never duplicates rows), and
 * only the columns that must not be filled by name: generated ones, which
 * PostgreSQL computes itself. */
#include "init.h"
#include "init_pg.h"

#include <string.h>

static void comment_text(Buf *b, const char *text)
{
    for (const char *p = text; *p; p++)
        buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
}

static void write_key(const IpgTable *t, Buf *b)
{
    const IpgCon *k = t->key;
    buf_puts(b, "    key: [");
    for (size_t i = 0; i < k->ncols; i++) {
        buf_puts(b, i ? ", " : "");
        yaml_scalar(b, k->cols[i]);
    }
    if (k->type == 'p')
        buf_puts(b, "]   # the primary key\n");
    else
        buf_printf(b, "]   # unique constraint %s, on NOT NULL columns (the primary key is missing or "
                      "deferrable)\n", k->name);
}

/* Two columns whose names differ only in case are named explicitly, so no
 * case-insensitive match can take one for the other. */
static int case_twin(const IpgTable *t, size_t i)
{
    for (size_t k = 0; k < t->ncols; k++)
        if (k != i && ascii_casecmp(t->cols[k].name, t->cols[i].name) == 0)
            return 1;
    return 0;
}

static void write_columns(const IpgTable *t, Buf *b)
{
    int any = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        const IpgColumn *c = &t->cols[i];
        int skip = c->generated && !c->dflt_funcs;
        if (!skip && !case_twin(t, i))
            continue;
        if (!any++)
            buf_puts(b, "    columns:\n");
        buf_puts(b, "      ");
        yaml_scalar(b, c->name);
        if (skip) {
            buf_puts(b, ": {skip: true}   # generated: PostgreSQL computes it\n");
        } else {
            buf_puts(b, ": ");
            yaml_scalar(b, c->name);
            buf_puts(b, "   # named: another column differs only in case\n");
        }
    }
}

static void write_table(const IpgDb *db, const IpgTable *t, Buf *b)
{
    buf_puts(b, "\n  ");
    yaml_scalar(b, t->name);
    buf_puts(b, ":");
    if (t->kind == 'p')
        buf_puts(b, "   # partitioned in the source: every partition's rows");
    buf_puts(b, "\n    from: ");
    yaml_scalar(b, t->name);
    buf_putc(b, '\n');
    if (t->inh_children) {
        /* Reading an inheritance parent also returns its children's rows,
         * which are loaded into the children's own tables. */
        Buf w, q;
        buf_init(&w);
        buf_init(&q);
        sql_quote_qualified(&q, db->schema, t->name);
        buf_puts(&w, "tableoid = ");
        sql_quote_literal(&w, q.data);
        buf_puts(&w, "::regclass");
        buf_puts(b, "    where: ");
        yaml_scalar(b, w.data);
        buf_puts(b, "   # its own rows, not its inheritance children's\n");
        buf_free(&w);
        buf_free(&q);
    }
    if (t->key)
        write_key(t, b);
    else
        buf_puts(b, "    # No primary key to recognise rows by on a re-run: each run empties the\n"
                    "    # table and loads it again (never duplicates).\n"
                    "    mode: replace\n");
    write_columns(t, b);
}

static void write_header(const IpgDb *db, Buf *b)
{
    buf_puts(b, "# Written by `pgmap init` from ");
    comment_text(b, db->source);
    buf_printf(b, "\n# (schema %s, copied as schema %s): %zu table%s, %zu view%s, %zu sequence%s, %zu type%s;\n"
                  "# %zu warning%s (listed below and at the end of the ddl file).\n#\n",
               db->schema, db->target, db->ntables, db->ntables == 1 ? "" : "s", db->nviews,
               db->nviews == 1 ? "" : "s", db->nseqs, db->nseqs == 1 ? "" : "s", db->ntypes,
               db->ntypes == 1 ? "" : "s", db->nnotes, db->nnotes == 1 ? "" : "s");
    buf_puts(b, "#   pgmap run THIS_FILE      creates the schema (the ddl file) and copies every row\n"
                "#   pgmap schema THIS_FILE   prints the DDL\n#\n"
                "# The tables keep their names, columns, types, keys and constraints (the\n"
                "# ddl file): a column that is not listed fills itself from the source\n"
                "# column of the same name.  Tables with a key are upserted on a re-run\n"
                "# (changed rows updated, the rest untouched); the others are emptied and\n"
                "# loaded again.\n");
    for (size_t i = 0; i < db->nnotes; i++) {
        buf_puts(b, "# WARNING: ");
        comment_text(b, db->notes[i].text);
        buf_putc(b, '\n');
    }
}

void ipg_write_mapping(const IpgDb *db, const char *ddl_ref, Buf *b)
{
    write_header(db, b);
    buf_puts(b, "\nversion: 1\nsource: ");
    yaml_scalar(b, db->source);
    buf_puts(b, "\ntarget: ${PGMAP_TARGET:-}   # or --target; empty: the PG* environment variables");
    buf_puts(b, "\nschema: ");
    yaml_scalar(b, db->target);
    buf_puts(b, "\nddl: ");
    yaml_scalar(b, ddl_ref);
    buf_puts(b, "   # run when the tables are missing\n\ntables:");
    if (!db->ntables)
        buf_puts(b, " {}");
    for (size_t i = 0; i < db->ntables; i++)
        write_table(db, &db->tables[i], b);
    buf_putc(b, '\n');
}
