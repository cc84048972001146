/* mapping_sync.c - the mapping keys that only `pgmap sync` and the state
 * schema use: the mapping's `name`, and per table `cursor`, `lookback`,
 * `deletes` and `mark_column` (see pgmap-mapping(5), SYNC). */
#include "mapping_internal.h"

#include <stdlib.h>
#include <string.h>

void key_name(Ctx *c, void *o, const YNode *v)
{
    Mapping *m = o;
    m->name = nonempty(c, "name", v);
    m->name_pos = pos_of(v);
}

void key_cursor(Ctx *c, void *o, const YNode *v)
{
    set_str(c, "cursor", v, &((TableMap *)o)->cursor, &((TableMap *)o)->cursor_pos);
}

/* "N unit" with unit seconds|minutes|hours|days|weeks (singular too);
 * returns the seconds, or -1. */
static double duration_seconds(const char *s)
{
    static const struct { const char *unit; double sec; } units[] = {
        {"second", 1}, {"minute", 60}, {"hour", 3600}, {"day", 86400}, {"week", 604800},
    };
    char *end = NULL;
    double n = strtod(s, &end);
    if (end == s || n < 0)
        return -1;
    while (*end == ' ')
        end++;
    size_t len = strlen(end);
    if (len > 1 && end[len - 1] == 's')
        len--;
    for (size_t i = 0; i < NELEM(units); i++)
        if (len == strlen(units[i].unit) && strncmp(end, units[i].unit, len) == 0)
            return n * units[i].sec;
    return -1;
}

void key_lookback(Ctx *c, void *o, const YNode *v)
{
    TableMap *t = o;
    char *end = NULL;
    double n = strtod(v->str, &end);
    t->lookback = str_of(c, v);
    t->lookback_pos = pos_of(v);
    if (end != v->str && *end == '\0' && n >= 0) {
        t->lookback_num = n;
        t->lookback_is_duration = 0;
        return;
    }
    n = duration_seconds(v->str);
    if (n < 0) {
        diag_error(c->d, v->line, v->col,
                   "lookback: expected a non-negative number (in the cursor's units) or a "
                   "duration such as \"2 days\" (seconds, minutes, hours, days, weeks), got \"%s\"",
                   v->str);
        t->lookback = NULL;
        return;
    }
    t->lookback_num = n;
    t->lookback_is_duration = 1;
}

void key_deletes(Ctx *c, void *o, const YNode *v)
{
    static const char *const names[] = {"delete", "ignore", "mark"};
    TableMap *t = o;
    for (size_t i = 0; i < NELEM(names); i++) {
        if (strcmp(v->str, names[i]) == 0) {
            t->deletes = (DeletePolicy)(DEL_DELETE + (int)i);
            t->deletes_pos = pos_of(v);
            return;
        }
    }
    diag_error(c->d, v->line, v->col, "deletes: expected one of delete, ignore, mark, got \"%s\"",
               v->str);
}

void key_mark_column(Ctx *c, void *o, const YNode *v)
{
    set_str(c, "mark_column", v, &((TableMap *)o)->mark_column, &((TableMap *)o)->mark_pos);
}

/* Checks that need the whole table entry (after globs are merged). */
void check_sync_keys(Ctx *c, const TableMap *t)
{
    if (t->deletes == DEL_MARK && !t->mark_column)
        diag_error(c->d, t->deletes_pos.line, t->deletes_pos.col,
                   "deletes: mark needs mark_column: the target column that marks a deleted row");
    if (t->mark_column && t->deletes != DEL_MARK)
        diag_error(c->d, t->mark_pos.line, t->mark_pos.col,
                   "mark_column is only used with deletes: mark");
    if (t->lookback && !t->cursor)
        diag_error(c->d, t->lookback_pos.line, t->lookback_pos.col,
                   "lookback needs a cursor: (it is subtracted from the cursor's mark)");
    if (t->cursor && t->query)
        diag_error(c->d, t->cursor_pos.line, t->cursor_pos.col,
                   "cursor: cannot be used with query (pgmap adds the cursor condition to "
                   "the statement it writes; use from: and where:)");
}
