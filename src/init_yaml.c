/* init_yaml.c - writes the mapping `pgmap init` proposes: every table and
 * every column, explicitly, each with a comment saying what was declared,
 * what the values turned out to be and which PostgreSQL type was chosen
 * and why; warnings and policies for values PostgreSQL refuses sit on
 * their own comment lines above the column they concern. */
#include "init.h"

#include <string.h>

/* YAML 1.1 reads these plain scalars as booleans or null. */
static int yaml_special(const char *s)
{
    static const char *const w[] = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~", NULL};
    for (int i = 0; w[i]; i++)
        if (ascii_casecmp(s, w[i]) == 0)
            return 1;
    return 0;
}

static int plain_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '/' || c == '.' || c == '-';
}

/* Letters, digits and _ . / - (paths), not starting with a digit, - or .
 * (numbers, sequences, documents) and not a YAML 1.1 boolean or null. */
static int plain_ok(const char *s)
{
    if (!*s || yaml_special(s) || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' || *s == '/'))
        return 0;
    for (const char *p = s; *p; p++)
        if (!plain_char(*p))
            return 0;
    return 1;
}

/* A scalar that reads back as exactly s: plain when safe, else double
 * quoted with escapes; `${` is doubled because pgmap interpolates it. */
void yaml_scalar(Buf *b, const char *s)
{
    if (plain_ok(s)) {
        buf_puts(b, s);
        return;
    }
    buf_putc(b, '"');
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            buf_printf(b, "\\x%02x", c);
        else if (c == '$' && p[1] == '{')
            buf_puts(b, "$$");
        else
            buf_putc(b, (char)c);
    }
    buf_putc(b, '"');
}

static void comment(Buf *b, const char *text)
{
    for (const char *p = text; *p; p++)
        buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
}

static void placeholder_hint(const IColumn *c, Buf *b)
{
    Buf list, counts;
    buf_init(&list);
    buf_init(&counts);
    for (int k = 0; k < PROFILE_PLACEHOLDERS; k++) {
        if (!c->prof.nplace[k])
            continue;
        buf_puts(&list, list.len ? ", " : "");
        yaml_scalar(&list, profile_placeholders[k]);
        buf_printf(&counts, "%s%lld \"%s\"", counts.len ? ", " : "", c->prof.nplace[k], profile_placeholders[k]);
    }
    if (list.len) {
        buf_puts(b, "      #   ");
        yaml_scalar(b, c->tname);
        buf_puts(b, ": {from: ");
        yaml_scalar(b, c->name);
        buf_printf(b, ", ops: [{null_if: [%s]}]}   # placeholders: %s; uncomment to load them as NULL\n",
                   list.data, counts.data);
    }
    buf_free(&list);
    buf_free(&counts);
}

static void write_column(const IColumn *c, Buf *b)
{
    if (c->warning) {
        buf_puts(b, "      # WARNING: ");
        comment(b, c->warning);
        buf_putc(b, '\n');
    }
    if (c->policy) {
        buf_puts(b, "      # policy: ");
        comment(b, c->policy);
        buf_putc(b, '\n');
    }
    if (c->kind == PT_TEXT || c->kind == PT_VARCHAR)
        placeholder_hint(c, b);
    buf_puts(b, "      ");
    yaml_scalar(b, c->tname);
    buf_puts(b, ": ");
    if (c->ops) {
        buf_puts(b, "{from: ");
        yaml_scalar(b, c->name);
        buf_printf(b, ", ops: %s}", c->ops);
    } else {
        yaml_scalar(b, c->name);
    }
    buf_puts(b, "   # ");
    comment(b, c->why ? c->why : "");
    buf_printf(b, " -> %s%s\n", c->pgtype, c->generated ? " (generated in SQLite)" : "");
}

static void write_table(const IDb *db, const ITable *t, Buf *b)
{
    (void)db;
    buf_puts(b, "\n  ");
    yaml_scalar(b, t->tname);
    buf_printf(b, ":   # %lld row%s", t->rows, t->rows == 1 ? "" : "s");
    if (t->virtual_module)
        buf_printf(b, "; %s virtual table in SQLite", t->virtual_module);
    buf_puts(b, "\n    from: ");
    yaml_scalar(b, t->name);
    buf_putc(b, '\n');
    if (t->rerun_replace) {
        buf_puts(b, "    # No primary key to recognise rows by on a re-run: each run empties the\n"
                    "    # table and loads it again (never duplicates).\n");
        if (t->pk_note) {
            buf_puts(b, "    # ");
            comment(b, t->pk_note);
            buf_putc(b, '\n');
        }
        buf_puts(b, "    mode: replace\n");
    }
    buf_puts(b, "    columns:\n");
    for (size_t i = 0; i < t->ncols; i++)
        write_column(&t->cols[i], b);
}

static void write_header(const IDb *db, const char *source, Buf *b)
{
    long long rows = 0;
    for (size_t i = 0; i < db->ntables; i++)
        rows += db->tables[i].rows;
    buf_puts(b, "# Written by `pgmap init` from ");
    comment(b, source);
    buf_printf(b, ".\n# %zu table%s, %lld row%s, %zu view%s; %zu warning%s (search for WARNING).\n#\n",
               db->ntables, db->ntables == 1 ? "" : "s", rows, rows == 1 ? "" : "s", db->nviews,
               db->nviews == 1 ? "" : "s", db->warnings, db->warnings == 1 ? "" : "s");
    buf_puts(b, "#   pgmap run THIS_FILE      creates the tables (the ddl file) and loads every row\n"
                "#   pgmap schema THIS_FILE   prints the DDL\n#\n"
                "# Each column line is `target: source`, with what SQLite declared, what the\n"
                "# values turned out to be, and the PostgreSQL type chosen.  Tables with a\n"
                "# primary key are upserted on a re-run: new rows inserted, changed rows\n"
                "# updated, the rest untouched.  Edit freely: the mapping is the program.\n");
    for (size_t i = 0; i < db->ntables; i++) {
        const ITable *t = &db->tables[i];
        if (strcmp(t->name, t->tname) != 0)
            buf_printf(b, "# renamed: table %s -> %s\n", t->name, t->tname);
        for (size_t k = 0; k < t->ncols; k++)
            if (strcmp(t->cols[k].name, t->cols[k].tname) != 0)
                buf_printf(b, "# renamed: column %s.%s -> %s\n", t->name, t->cols[k].name, t->cols[k].tname);
    }
}

/* The target is never written: a connection string may hold a password. */
void init_write_mapping(const IDb *db, const char *source, const char *ddl, Buf *b)
{
    write_header(db, source, b);
    buf_puts(b, "\nversion: 1\nsource: ");
    yaml_scalar(b, source);
    buf_puts(b, "\ntarget: ${PGMAP_TARGET:-}   # or --target; empty: the PG* environment variables");
    buf_puts(b, "\nschema: ");
    yaml_scalar(b, db->schema);
    buf_puts(b, "\nddl: ");
    yaml_scalar(b, ddl);
    buf_puts(b, "   # run when the tables are missing\n\ntables:");
    for (size_t i = 0; i < db->ntables; i++)
        write_table(db, &db->tables[i], b);
    buf_putc(b, '\n');
}
