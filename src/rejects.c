/* rejects.c - writes the rejects file (see rejects.h). */
#include "rejects.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct RejectLog {
    char *path;
    FILE *f;
    long count;
    Buf line;
    long bytes;      /* the file's length as far as pgmap wrote it */
    int resumed;     /* continuing an interrupted run's file: append, never remove */
};

RejectLog *rejects_open(const char *path)
{
    RejectLog *l = xcalloc(1, sizeof *l);
    l->path = path ? xstrdup(path) : NULL;
    buf_init(&l->line);
    return l;
}

static void field(Buf *b, const char *name, const char *json_or_null, int raw)
{
    buf_printf(b, ",\"%s\":", name);
    if (!json_or_null)
        buf_puts(b, "null");
    else if (raw)
        buf_puts(b, json_or_null);
    else
        json_append_string(b, json_or_null, strlen(json_or_null));
}

int rejects_write(RejectLog *l, const Reject *r, PgmError *e)
{
    l->count++;
    if (!l->path)
        return PGM_OK;
    if (!l->f) {
        l->f = fopen(l->path, l->resumed ? "a" : "w");
        if (!l->f) {
            err_set(e, "rejects file %s: %s", l->path, strerror(errno));
            return PGM_FAIL;
        }
    }
    Buf *b = &l->line;
    buf_reset(b);
    buf_puts(b, "{\"table\":");
    json_append_string(b, r->table, strlen(r->table));
    field(b, "key", r->key_json, 1);
    field(b, "column", r->column, 0);
    field(b, "operation", r->operation, 0);
    field(b, "value", r->value_json, 1);
    field(b, "message", r->message, 0);
    field(b, "sqlstate", r->sqlstate, 0);
    field(b, "constraint", r->constraint, 0);
    if (r->row_json)
        field(b, "row", r->row_json, 1);
    buf_puts(b, "}\n");
    if (fwrite(b->data, 1, b->len, l->f) != b->len) {
        err_set(e, "rejects file %s: %s", l->path, strerror(errno));
        return PGM_FAIL;
    }
    l->bytes += (long)b->len;
    return PGM_OK;
}

RejectLog *rejects_resume(const char *path, long offset)
{
    RejectLog *l = rejects_open(path);
    struct stat sb;
    if (path && offset >= 0 && stat(path, &sb) == 0) {
        /* rows rejected after the last committed batch are read again:
         * cut the lines they left so each reject is written once */
        if (sb.st_size > offset && truncate(path, offset) != 0)
            offset = (long)sb.st_size;
        l->bytes = sb.st_size < offset ? (long)sb.st_size : offset;
        l->resumed = l->bytes > 0;
    }
    return l;
}

long rejects_offset(RejectLog *l)
{
    if (l && l->f)
        fflush(l->f);   /* the offset goes into a commit: the lines must be on disk first */
    return l ? l->bytes : 0;
}

long rejects_count(const RejectLog *l)
{
    return l ? l->count : 0;
}

const char *rejects_path(const RejectLog *l)
{
    return l && (l->f || l->resumed) ? l->path : NULL;
}

int rejects_close(RejectLog *l, PgmError *e)
{
    if (!l)
        return PGM_OK;
    int rc = PGM_OK;
    if (l->f && fclose(l->f) != 0) {
        err_set(e, "rejects file %s: %s", l->path, strerror(errno));
        rc = PGM_FAIL;
    }
    if (!l->f && l->path && l->count == 0 && !l->resumed)
        unlink(l->path);   /* a file from an earlier run must not outlive a clean one */
    buf_free(&l->line);
    free(l->path);
    free(l);
    return rc;
}
