/* run_prepare.c - before a run loads anything: the state schema, the
 * mapping's lock, the unfinished run, `--restart`, and the check that a
 * resume would make the same rows as the run it continues.  Also
 * `pgmap status`. */
#include "run.h"
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int run_lock(Session *s, const char *name)
{
    if (state_open(s->c, &s->e) != PGM_OK)
        return PGM_FAIL;
    int rc = state_lock(s->c, name, &s->e);
    return rc == STATE_BUSY ? RUN_BUSY : rc;
}

/* The tables the unfinished run created, dropped so its ddl file makes
 * them again (they held only what that run loaded). */
static int drop_created(Session *s, const StateRun *prev)
{
    const Mapping *m = s->m;
    Buf sql;
    buf_init(&sql);
    for (size_t i = 0; i < m->ntables; i++) {
        const TableMap *t = &m->tables[i];
        const char *schema = t->schema ? t->schema : m->schema ? m->schema : "public";
        for (size_t k = 0; k < prev->ncreated; k++) {
            size_t ls = strlen(schema);
            const char *c = prev->created[k];
            if (strncmp(c, schema, ls) != 0 || c[ls] != '.' || strcmp(c + ls + 1, t->target) != 0)
                continue;
            buf_puts(&sql, sql.len ? ", " : "DROP TABLE IF EXISTS ");
            pg_quote_qualified(s->c, &sql, schema, t->target);
        }
    }
    if (sql.len)
        buf_puts(&sql, " CASCADE");
    int rc = sql.len ? pg_exec(s->c, sql.data, &s->e) : PGM_OK;
    buf_free(&sql);
    return rc;
}

/* A table the abandoned run appended to with mode insert keeps those rows
 * (pgmap cannot tell them from the rows that were there): starting over
 * would load them twice, so --restart refuses until it is emptied. */
static int check_appended(Session *s, const StateRun *prev)
{
    const Mapping *m = s->m;
    for (size_t i = 0; i < m->ntables; i++) {
        const TableMap *t = &m->tables[i];
        if (t->mode != MODE_INSERT)
            continue;
        const char *schema = t->schema ? t->schema : m->schema ? m->schema : "public";
        Buf label;
        buf_init(&label);
        buf_printf(&label, "%s.%s", schema, t->target);
        const StateTable *st = state_run_table(prev, label.data);
        int created = 0;
        for (size_t k = 0; k < prev->ncreated; k++)
            created |= strcmp(prev->created[k], label.data) == 0;
        if (st && !created && st->counts.inserted > 0) {
            err_set(&s->e, "--restart: %s (mode insert) holds %ld rows the abandoned run %ld appended; "
                           "loading it again would add them twice: empty the table (or restore it) "
                           "first, or resume without --restart", label.data, st->counts.inserted,
                    prev->run_id);
            buf_free(&label);
            return PGM_FAIL;
        }
        buf_free(&label);
    }
    return PGM_OK;
}

static int restart(Session *s, const char *name, StateRun *prev)
{
    if (check_appended(s, prev) != PGM_OK)
        return PGM_FAIL;
    int rc = pg_exec(s->c, "BEGIN", &s->e);
    if (rc == PGM_OK)
        rc = drop_created(s, prev);
    if (rc == PGM_OK)
        rc = state_abandon(s->c, name, prev->run_id, &s->e);
    if (rc == PGM_OK)
        rc = pg_exec(s->c, "COMMIT", &s->e);
    if (rc == PGM_OK)
        fprintf(stderr, "pgmap: run %ld abandoned (--restart)%s; starting over\n", prev->run_id,
                prev->ncreated ? ", the tables it created dropped" : "");
    state_run_free(prev);
    return rc;
}

/* What changed since the unfinished run, one clause per table, into why. */
static void compare_table(const PlanTable *t, const StateTable *st, Buf *why)
{
    const char *sep = why->len ? "; " : "";
    if (!st)
        buf_printf(why, "%stable %s was not part of it", sep, t->label);
    else if (strcmp(st->shape, t->shape) != 0)
        buf_printf(why, "%sthe source of %s changed shape (was: %s; now: %s)", sep, t->label,
                   st->shape, t->shape);
    else if (strcmp(st->fingerprint, t->fingerprint) != 0)
        buf_printf(why, "%sthe mapping of %s changed (its source statement, columns, operations, "
                        "types, key or mode)", sep, t->label);
}

static int check_resumable(Session *s, const StateRun *prev)
{
    const Plan *p = s->plan;
    Buf why;
    buf_init(&why);
    for (size_t i = 0; i < p->n; i++)
        compare_table(&p->tables[i], state_run_table(prev, p->tables[i].label), &why);
    for (size_t k = 0; k < prev->n; k++) {
        int found = 0;
        for (size_t i = 0; i < p->n && !found; i++)
            found = strcmp(p->tables[i].label, prev->tables[k].table) == 0;
        if (!found)
            buf_printf(&why, "%stable %s is no longer in the mapping", why.len ? "; " : "",
                       prev->tables[k].table);
    }
    int rc = PGM_OK;
    if (why.len) {
        err_set(&s->e, "cannot resume run %ld: %s.  Resuming would mix rows made two ways; to start "
                       "over, run `pgmap run --restart %s` (the tables that run created are dropped "
                       "and made again, the other tables are loaded again from the start)",
                prev->run_id, why.data, s->m->file);
        rc = PGM_FAIL;
    }
    buf_free(&why);
    return rc;
}

int run_prepare(Session *s, const Options *o, const char *name, int use_state, StateRun *prev)
{
    memset(prev, 0, sizeof *prev);
    if (use_state) {
        int rc = run_lock(s, name);
        if (rc != PGM_OK)
            return rc;
        rc = state_unfinished(s->c, name, prev, &s->e);
        if (rc < 0)
            return PGM_FAIL;
        if (rc == 1 && o->restart && restart(s, name, prev) != PGM_OK)
            return PGM_FAIL;
    }
    if (!prev->run_id)
        return session_compile(s, NULL);
    TargetPrep prep;
    if (plan_prepare_resume(s->m, prev->after_pending ? prev->created : NULL,
                            prev->after_pending ? prev->ncreated : 0, &prep, &s->e) != PGM_OK)
        return PGM_FAIL;
    if (session_compile(s, &prep) != PGM_OK)
        return PGM_FAIL;
    if (check_resumable(s, prev) != PGM_OK)
        return PGM_FAIL;
    if (!o->quiet)
        printf("resuming run %ld of %s\n", prev->run_id, name);
    return PGM_OK;
}

int cmd_status(int argc, char **argv)
{
    Options o;
    int rc = parse_options("status", argc, argv, &o);
    if (rc >= 0)
        return rc;
    Session s;
    memset(&s, 0, sizeof s);
    rc = session_connect(&s, &o, 0) == PGM_OK ? PGM_OK : PGM_FAIL;
    if (rc == PGM_OK)
        rc = state_print_status(s.c, session_mapping_name(&s, &o), o.limit > 0 ? o.limit : 20,
                                stdout, &s.e);
    rc = rc == PGM_OK ? EXIT_CLEAN : session_fail(&s, NULL);
    session_close(&s);
    free(s.name);
    return rc;
}
