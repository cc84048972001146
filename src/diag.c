/* diag.c - the list of diagnostics found while loading a mapping file, and
 * its printer.  Every stage adds to the same list instead of stopping at the
 * first problem, so that the user can fix all of them in one go; the printer
 * sorts them by position so the output reads top to bottom like the file. */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

void diags_init(Diags *d, const char *file)
{
    memset(d, 0, sizeof *d);
    d->file = xstrdup(file ? file : "");
}

void diags_free(Diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].msg);
    free(d->v);
    free(d->file);
    free(d->text);
    memset(d, 0, sizeof *d);
}

void diags_set_text(Diags *d, const char *text)
{
    free(d->text);
    d->text = text ? xstrdup(text) : NULL;
}

void diags_add(Diags *d, DiagLevel level, int line, int col, const char *fmt, ...)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    Buf b;
    buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);

    Diag *g = &d->v[d->n++];
    g->level = level;
    g->line = line > 0 ? line : 0;
    g->col = g->line == 0 ? 0 : (col > 0 ? col : 1);
    g->msg = buf_steal(&b);
    if (level == DIAG_ERROR)
        d->errors++;
    else
        d->warnings++;
}

/* Finds line `line` (1-based) of text; returns its start and sets *len to its
 * length without the newline (and without a CR, for files edited on Windows).
 * NULL when the text has fewer lines, e.g. an error reported at end of file. */
static const char *find_line(const char *text, int line, size_t *len)
{
    const char *p = text;
    for (int i = 1; i < line; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    if (*p == '\0')
        return NULL;
    size_t n = strcspn(p, "\n");
    if (n > 0 && p[n - 1] == '\r')
        n--;
    *len = n;
    return p;
}

/* Writes the source line and a caret under column col.  libyaml counts
 * columns in characters, so the padding advances one character per UTF-8
 * sequence; tabs are copied so the caret lines up whatever the tab width. */
static void print_caret(FILE *out, const char *s, size_t len, int col)
{
    fprintf(out, "    %.*s\n    ", (int)len, s);
    size_t i = 0;
    for (int c = 1; c < col && i < len; c++) {
        fputc(s[i] == '\t' ? '\t' : ' ', out);
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    fputs("^\n", out);
}

/* Orders by (line, col), then by insertion order: qsort is not stable, so
 * the index breaks ties. */
static int cmp_diag(const void *a, const void *b)
{
    const Diag *x = *(const Diag *const *)a;
    const Diag *y = *(const Diag *const *)b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x < y ? -1 : (x > y ? 1 : 0);
}

void diags_print(const Diags *d, FILE *out)
{
    if (d->n == 0)
        return;
    const Diag **order = xmalloc(d->n * sizeof *order);
    for (size_t i = 0; i < d->n; i++)
        order[i] = &d->v[i];
    qsort(order, d->n, sizeof *order, cmp_diag);

    const char *file = d->file ? d->file : "";
    for (size_t i = 0; i < d->n; i++) {
        const Diag *g = order[i];
        const char *lvl = g->level == DIAG_ERROR ? "error" : "warning";
        if (g->line <= 0) {
            fprintf(out, "%s: %s: %s\n", file, lvl, g->msg);
            continue;
        }
        fprintf(out, "%s:%d:%d: %s: %s\n", file, g->line, g->col, lvl, g->msg);
        size_t len = 0;
        const char *s = d->text ? find_line(d->text, g->line, &len) : NULL;
        if (s)
            print_caret(out, s, len, g->col);
    }
    free(order);
}
