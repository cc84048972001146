/* plan_order.c - sorts a plan's tables into load order: every table after
 * the tables its foreign keys reference (read from the target catalog) and
 * the tables its lookups read; then `load_order:` moves the tables it
 * lists to the front, in its order.
 * Self-references need no order (COPY checks them at the end of the
 * statement); a cycle between tables is broken in file order, with a
 * warning, because the rows may then be refused as orphans. */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

int plan_table_depends(const PlanTable *child, const PlanTable *parent)
{
    if (child == parent)
        return 0;
    for (size_t i = 0; i < child->tgt.nfks; i++) {
        const TgtFk *f = &child->tgt.fks[i];
        if (strcmp(f->ref_schema, parent->tgt.schema) == 0 &&
            strcmp(f->ref_table, parent->tgt.name) == 0)
            return 1;
    }
    for (size_t i = 0; i < child->ndepends; i++)
        if (strcmp(child->depends[i], parent->label) == 0)
            return 1;
    return 0;
}

static size_t find_listed(const Plan *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->tables[i].map->target, name) == 0 || strcmp(p->tables[i].label, name) == 0)
            return i;
    return p->n;
}

/* The user's order wins; a lookup that would then run before its table
 * is loaded finds nothing, which is worth a warning. */
static void apply_load_order(Plan *p, Diags *d)
{
    const Mapping *m = p->m;
    PlanTable *out = xcalloc(p->n ? p->n : 1, sizeof *out);
    char *taken = xcalloc(p->n ? p->n : 1, 1);
    size_t k = 0;
    for (size_t i = 0; i < m->nload_order; i++) {
        size_t at = find_listed(p, m->load_order[i]);
        int skipped = 0;
        for (size_t t = 0; t < m->ntables; t++)
            skipped |= m->tables[t].skip && strcmp(m->tables[t].target, m->load_order[i]) == 0;
        if (at == p->n && !skipped) {
            diag_error(d, m->load_order_pos.line, m->load_order_pos.col,
                       "load_order: \"%s\" is not a table of this mapping", m->load_order[i]);
            continue;
        }
        if (at < p->n && !taken[at]) {
            taken[at] = 1;
            out[k++] = p->tables[at];
        }
    }
    for (size_t i = 0; i < p->n; i++)
        if (!taken[i])
            out[k++] = p->tables[i];
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            for (size_t n = 0; n < out[i].ndepends; n++)
                if (strcmp(out[i].depends[n], out[j].label) == 0)
                    diag_warn(d, m->load_order_pos.line, m->load_order_pos.col,
                              "load_order: %s looks up in %s, which loads after it", out[i].label, out[j].label);
    memcpy(p->tables, out, k * sizeof *out);
    free(out);
    free(taken);
}

void plan_sort(Plan *p, Diags *d)
{
    size_t n = p->n;
    PlanTable *sorted = xcalloc(n ? n : 1, sizeof *sorted);
    char *done = xcalloc(n ? n : 1, 1);
    size_t k = 0;
    while (k < n) {
        size_t pick = n;
        /* first table in file order whose parents are all placed */
        for (size_t i = 0; i < n && pick == n; i++) {
            if (done[i])
                continue;
            int ready = 1;
            for (size_t j = 0; j < n && ready; j++)
                if (!done[j] && j != i && plan_table_depends(&p->tables[i], &p->tables[j]))
                    ready = 0;
            if (ready)
                pick = i;
        }
        if (pick == n) {
            for (pick = 0; done[pick]; pick++)
                ;
            const TableMap *tm = p->tables[pick].map;
            diag_warn(d, tm->pos.line, tm->pos.col,
                      "foreign keys between %s and other tables form a cycle; loading it in file order",
                      p->tables[pick].label);
        }
        done[pick] = 1;
        sorted[k++] = p->tables[pick];
    }
    memcpy(p->tables, sorted, n * sizeof *sorted);
    free(sorted);
    free(done);
    if (p->m->nload_order)
        apply_load_order(p, d);
}
