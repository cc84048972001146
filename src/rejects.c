/* rejects.c - writes the rejects file (see rejects.h). */
#include "rejects.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

struct RejectLog {
    char *path;
    FILE *f;
    long count;
    Buf line;
    long bytes;      /* the file's length as far as pgmap wrote it */
    int resumed;     /* continuing an interrupted run's file: append, never remove */
    RejectLog *parent;   /* a job's log: lines wait in pending */
    Buf pending;
    long pending_count;
    mtx_t mu;            /* the file's lock, for jobs' merges */
};

RejectLog *rejects_open(const char *path)
{
    RejectLog *l = xcalloc(1, sizeof *l);
    l->path = path ? xstrdup(path) : NULL;
    buf_init(&l->line);
    buf_init(&l->pending);
    if (mtx_init(&l->mu, mtx_plain) != thrd_success) {
        fprintf(stderr, "pgmap: cannot create a lock\n");
        abort();
    }
    return l;
}

RejectLog *rejects_child(RejectLog *parent)
{
    RejectLog *l = rejects_open(NULL);
    l->parent = parent;
    return l;
}

void rejects_lock(RejectLog *l)
{
    mtx_lock(&l->mu);
}

void rejects_unlock(RejectLog *l)
{
    mtx_unlock(&l->mu);
}

/* Appends finished lines to the file, opening it at the first. */
static int append_lines(RejectLog *l, const char *data, size_t len, PgmError *e)
{
    if (!l->path || len == 0)
        return PGM_OK;
    if (!l->f) {
        l->f = fopen(l->path, l->resumed ? "a" : "w");
        if (!l->f) {
            err_set(e, "rejects file %s: %s", l->path, strerror(errno));
            return PGM_FAIL;
        }
    }
    if (fwrite(data, 1, len, l->f) != len) {
        err_set(e, "rejects file %s: %s", l->path, strerror(errno));
        return PGM_FAIL;
    }
    l->bytes += (long)len;
    return PGM_OK;
}

int rejects_merge(RejectLog *child, PgmError *e)
{
    RejectLog *p = child->parent;
    if (!p)
        return PGM_OK;
    int rc = append_lines(p, child->pending.data, child->pending.len, e);
    p->count += child->pending_count;
    buf_reset(&child->pending);
    child->pending_count = 0;
    return rc;
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
    if (l->parent) {
        l->pending_count++;
        l->count++;
    } else {
        l->count++;
        if (!l->path)
            return PGM_OK;
    }
    Buf *b = l->parent ? &l->pending : &l->line;
    if (!l->parent)
        buf_reset(b);
    size_t start = b->len;
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
    if (l->parent)
        return PGM_OK;
    return append_lines(l, b->data + start, b->len - start, e);
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
    if (l && l->parent)
        l = l->parent;
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
    if (!l->parent && !l->f && l->path && l->count == 0 && !l->resumed)
        unlink(l->path);   /* a file from an earlier run must not outlive a clean one */
    buf_free(&l->line);
    buf_free(&l->pending);
    mtx_destroy(&l->mu);
    free(l->path);
    free(l);
    return rc;
}
