/* diag.h - diagnostics for the mapping file: every problem the loader,
 * the operation compilers and the plan compiler find is collected here, so
 * the user sees all of them at once, each as
 *
 *     file:line:col: error: message
 *         the offending line
 *         ^
 */
#ifndef PGMAP_DIAG_H
#define PGMAP_DIAG_H

#include <stdio.h>
#include <stddef.h>
#include "util.h"

typedef enum DiagLevel { DIAG_ERROR, DIAG_WARNING } DiagLevel;

typedef struct Diag {
    DiagLevel level;
    int line, col;      /* 1-based; 0 = no position (whole file) */
    char *msg;
} Diag;

typedef struct Diags {
    char *file;         /* file name as given by the user */
    char *text;         /* the file's text, to show lines (may be NULL) */
    Diag *v;
    size_t n, cap;
    size_t errors, warnings;
} Diags;

void diags_init(Diags *d, const char *file);
void diags_free(Diags *d);
void diags_set_text(Diags *d, const char *text); /* copies */
void diags_add(Diags *d, DiagLevel level, int line, int col, const char *fmt, ...) PGM_PRINTF(5, 6);
#define diag_error(d, ln, cl, ...) diags_add((d), DIAG_ERROR, (ln), (cl), __VA_ARGS__)
#define diag_warn(d, ln, cl, ...) diags_add((d), DIAG_WARNING, (ln), (cl), __VA_ARGS__)
/* Prints all diagnostics in order of position (stable), each with its line
 * and a caret under the column. */
void diags_print(const Diags *d, FILE *out);

#endif
