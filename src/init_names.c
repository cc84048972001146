/* init_names.c - target names for everything init creates.
 *
 * Names are kept as they are (quoted in the DDL, whatever they hold) or
 * turned into snake_case.  PostgreSQL cuts identifiers at 63 bytes, which
 * could make two names collide silently, so a longer name is shortened
 * here, deterministically: its first bytes (at a character boundary), an
 * underscore and 8 hex digits of a hash of the whole name.  A name still
 * taken in its scope gets _2, _3 ...  Scopes: a table's columns; and the
 * schema, shared by tables, views, indexes and constraints (PostgreSQL
 * gives primary keys and unique constraints an index of the same name). */
#include "init.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_BYTES 63

typedef struct NameSet {
    char **v;
    size_t n;
} NameSet;

static int taken(const NameSet *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return 1;
    return 0;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

/* Cut to at most max bytes without splitting a UTF-8 sequence. */
static size_t cut_at(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static char *shorten(Arena *a, const char *name, size_t room)
{
    if (strlen(name) <= room)
        return arena_strdup(a, name);
    size_t keep = cut_at(name, room - 9);
    return arena_printf(a, "%.*s_%08x", (int)keep, name, fnv1a(name));
}

/* The final, unique name for `wanted` in scope s (recorded there). */
static char *claim(Arena *a, NameSet *s, const char *wanted)
{
    char *name = shorten(a, wanted, NAME_MAX_BYTES);
    for (int k = 2; taken(s, name); k++) {
        char suffix[16];
        int n = snprintf(suffix, sizeof suffix, "_%d", k);
        char *base = shorten(a, wanted, NAME_MAX_BYTES - (size_t)n);
        name = arena_printf(a, "%s%s", base, suffix);
    }
    s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = name;
    return name;
}

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

char *name_snake(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b);
    for (size_t i = 0; s[i]; i++) {
        char c = s[i];
        if (is_upper(c)) {
            int boundary = i > 0 && (is_lower_or_digit(s[i - 1]) ||
                                     (is_upper(s[i - 1]) && s[i + 1] >= 'a' && s[i + 1] <= 'z'));
            if (boundary && b.len && b.data[b.len - 1] != '_')
                buf_putc(&b, '_');
            buf_putc(&b, (char)(c - 'A' + 'a'));
        } else if (is_lower_or_digit(c) || (unsigned char)c >= 0x80) {
            buf_putc(&b, c);
        } else if (b.len && b.data[b.len - 1] != '_') {
            buf_putc(&b, '_');   /* spaces, quotes, punctuation */
        }
    }
    while (b.len && b.data[b.len - 1] == '_')
        b.len--;
    buf_putc(&b, 0);
    char *r = arena_strdup(a, b.data[0] ? b.data : "unnamed");
    buf_free(&b);
    return r;
}

static const char *styled(IDb *db, const char *name)
{
    return db->naming == NAMING_SNAKE ? name_snake(db->arena, name) : name;
}

static char *joined_cols(IDb *db, const ITable *t, const int *cols, size_t n)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, t->tname);
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "_%s", cols[i] >= 0 ? t->cols[cols[i]].tname : "expr");
    char *r = arena_strdup(db->arena, b.data);
    buf_free(&b);
    return r;
}

static void name_table_objects(IDb *db, ITable *t, NameSet *schema)
{
    NameSet cols = {0};
    for (size_t i = 0; i < t->ncols; i++)
        t->cols[i].tname = claim(db->arena, &cols, styled(db, t->cols[i].name));
    free(cols.v);
    t->pk_name = claim(db->arena, schema, arena_printf(db->arena, "%s_pkey", t->tname));
    for (size_t i = 0; i < t->nidx; i++) {
        IIndex *ix = &t->idx[i];
        const char *want = ix->origin == 'c' ? styled(db, ix->name)
                           : arena_printf(db->arena, "%s_key", joined_cols(db, t, ix->cols, ix->ncols));
        ix->tname = ix->origin == 'p' ? t->pk_name : claim(db->arena, schema, want);
    }
    for (size_t i = 0; i < t->nfks; i++) {
        IFk *fk = &t->fks[i];
        fk->tname = claim(db->arena, schema,
                          arena_printf(db->arena, "%s_fkey", joined_cols(db, t, fk->cols, fk->ncols)));
    }
    for (size_t i = 0; i < t->nchecks; i++) {
        ICheck *c = &t->checks[i];
        if (c->name)
            c->name = claim(db->arena, schema, styled(db, c->name));
        else
            c->name = claim(db->arena, schema, arena_printf(db->arena, "%s_check", t->tname));
    }
}

void init_assign_names(IDb *db)
{
    NameSet schema = {0};
    for (size_t i = 0; i < db->ntables; i++)
        db->tables[i].tname = claim(db->arena, &schema, styled(db, db->tables[i].name));
    for (size_t i = 0; i < db->nviews; i++)
        db->views[i].tname = claim(db->arena, &schema, styled(db, db->views[i].name));
    for (size_t i = 0; i < db->ntables; i++)
        name_table_objects(db, &db->tables[i], &schema);
    free(schema.v);
}
