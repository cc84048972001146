/* plan_explain.c - prints a compiled plan for `pgmap explain`: the
 * ddl file's after-load part when this run would create the tables, load
 * order, then for each table its source statement, the program of every
 * column, the dropped source columns and the target statements. */
#include "plan.h"

#include <stdio.h>

static void explain_column(const PlanTable *t, const PlanColumn *pc, FILE *out)
{
    fprintf(out, "    %-24s %-28s <- %s", pc->name, pc->tcol->type.name, pc->src_desc);
    if (t->nnull_if) {
        fprintf(out, " | null_if(");
        for (size_t i = 0; i < t->nnull_if; i++)
            fprintf(out, "%s\"%s\"", i ? ", " : "", t->null_if[i]);
        fprintf(out, ")");
    }
    for (size_t i = 0; i < pc->nops; i++) {
        char desc[256];
        op_describe(&pc->ops[i], desc, sizeof desc);
        fprintf(out, " | %s", desc);
    }
    fprintf(out, " | cast %s%s", pc->tcol->type.name, pc->tcol->notnull ? " not null" : "");
    fprintf(out, "  [on_error %s%s%s]\n", on_error_name(pc->on_error),
            pc->fallback ? " = " : "", pc->fallback ? pc->fallback : "");
}

static void explain_table(const PlanTable *t, size_t n, FILE *out)
{
    fprintf(out, "\n%zu. %s  (mode %s", n, t->label, mode_name(t->mode));
    if (t->later_mode != MODE_UNSET)
        fprintf(out, " [new table, its key comes after the load: %s on later runs]",
                mode_name(t->later_mode));
    if (t->nkey) {
        fprintf(out, ", key (");
        for (size_t k = 0; k < t->nkey; k++)
            fprintf(out, "%s%s", k ? ", " : "", t->cols[t->key[k]].name);
        fprintf(out, ")");
    }
    fprintf(out, ", batch %ld", t->batch);
    if (t->reject_limit >= 0)
        fprintf(out, ", reject_limit %ld", t->reject_limit);
    fprintf(out, ")\n  source: %s\n  columns:\n", t->src_sql);
    for (size_t i = 0; i < t->ncols; i++)
        explain_column(t, &t->cols[i], out);
    if (t->ndropped) {
        fprintf(out, "  source columns not loaded:");
        for (size_t i = 0; i < t->ndropped; i++)
            fprintf(out, "%s %s", i ? "," : "", t->dropped[i]);
        fprintf(out, "\n");
    }
    fprintf(out, "  target:\n");
    if (t->truncate_sql)
        fprintf(out, "    once: %s\n", t->truncate_sql);
    if (t->stage_sql)
        fprintf(out, "    once: %s\n", t->stage_sql);
    fprintf(out, "    per batch: %s\n", t->copy_sql);
    if (t->dedup) {
        static const char *const rule[] = {"", "first", "last", "max", "min"};
        fprintf(out, "    at the end (dedup %s%s%s): %s\n", rule[t->dedup], t->dedup_col >= 0 ? " " : "",
                t->dedup_col >= 0 ? t->cols[t->dedup_col].name : "", t->winners_sql);
        fprintf(out, "    then, by ranges of winners: %s\n", t->dedup_merge_sql);
    } else if (t->merge_sql) {
        fprintf(out, "    per batch (prepared as %s): %s\n", t->stage_name, t->merge_sql);
    }
    for (size_t i = 0; i < t->ndepends; i++)
        fprintf(out, "  after %s (lookups)\n", t->depends[i]);
}

void plan_explain(const Plan *p, FILE *out)
{
    fprintf(out, "plan for %s\n", p->m->file);
    fprintf(out, "source: %s\n", p->source_desc ? p->source_desc : "?");
    fprintf(out, "target: %s%s\n", p->target_desc ? p->target_desc : "?",
            p->ddl_applied ? " (tables missing: the ddl file would create them)" : "");
    if (p->ddl && p->ddl->nafter)
        fprintf(out, "ddl after load: %zu statement%s (%zu optional) after the last table, "
                "all in one transaction\n", p->ddl->nafter, p->ddl->nafter == 1 ? "" : "s",
                p->ddl->noptional);
    fprintf(out, "load order:");
    for (size_t i = 0; i < p->n; i++)
        fprintf(out, "%s %s", i ? "," : "", p->tables[i].label);
    fprintf(out, "\n");
    for (size_t i = 0; i < p->n; i++)
        explain_table(&p->tables[i], i + 1, out);
}
