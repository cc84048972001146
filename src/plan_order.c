/* plan_order.c - sorts a plan's tables into load order: every table after
 * the tables its foreign keys reference (read from the target catalog).
 * Self-references need no order (COPY checks them at the end of the
 * statement); a cycle between tables is broken in file order, with a
 * warning, because the rows may then be refused as orphans. */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

static int references(const PlanTable *child, const PlanTable *parent)
{
    if (child == parent)
        return 0;
    for (size_t i = 0; i < child->tgt.nfks; i++) {
        const TgtFk *f = &child->tgt.fks[i];
        if (strcmp(f->ref_schema, parent->tgt.schema) == 0 &&
            strcmp(f->ref_table, parent->tgt.name) == 0)
            return 1;
    }
    return 0;
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
                if (!done[j] && j != i && references(&p->tables[i], &p->tables[j]))
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
}
