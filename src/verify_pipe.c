/* verify_pipe.c - a second thread for verify's checksums.
 *
 * Why: a verify reads and converts every source row (as a run does), then
 * writes each row as the server would print it and hashes it (as a run
 * does not).  On one thread that was twice a run's CPU, and the verify
 * took longer than the run it checks.  The server sums the target on its
 * own core meanwhile, so pgmap was the bottleneck.  Here the main thread
 * converts and hands batches of COPY lines to this thread, which adds
 * them to the bucket sums; the two stages overlap.
 *
 * C11 threads (the C standard library), two buffers that change hands
 * under one mutex: the converter fills one while the hasher empties the
 * other.  The SyncDiff belongs to the hasher until hashpipe_finish. */
#include "verify_internal.h"

#include <string.h>

/* Lines per hand-over: large enough that the lock is taken rarely, small
 * enough that memory stays a few megabytes. */
#define PIPE_BYTES ((size_t)1 << 20)

static void hash_lines(SyncDiff *d, const Buf *b)
{
    size_t start = 0;
    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] != '\n')
            continue;
        syncdiff_add(d, b->data + start, i - start);
        start = i + 1;
    }
}

static int hasher(void *arg)
{
    HashPipe *p = arg;
    Buf mine;
    buf_init(&mine);
    for (;;) {
        mtx_lock(&p->mu);
        while (!p->full && !p->done)
            cnd_wait(&p->cv, &p->mu);
        if (!p->full) {
            mtx_unlock(&p->mu);
            break;
        }
        Buf t = mine;   /* take the full buffer, leave an empty one */
        mine = p->handed;
        p->handed = t;
        buf_reset(&p->handed);
        p->full = 0;
        cnd_signal(&p->cv);
        mtx_unlock(&p->mu);
        hash_lines(p->d, &mine);
    }
    buf_free(&mine);
    return 0;
}

int hashpipe_start(HashPipe *p, SyncDiff *d)
{
    memset(p, 0, sizeof *p);
    p->d = d;
    buf_init(&p->fill);
    buf_init(&p->handed);
    if (mtx_init(&p->mu, mtx_plain) != thrd_success)
        return 0;
    if (cnd_init(&p->cv) != thrd_success) {
        mtx_destroy(&p->mu);
        return 0;
    }
    if (thrd_create(&p->th, hasher, p) != thrd_success) {
        cnd_destroy(&p->cv);
        mtx_destroy(&p->mu);
        return 0;
    }
    p->running = 1;
    return 1;
}

/* Hands the filled buffer over once the hasher has taken the last one. */
static void hand_over(HashPipe *p)
{
    mtx_lock(&p->mu);
    while (p->full)
        cnd_wait(&p->cv, &p->mu);
    Buf t = p->handed;
    p->handed = p->fill;
    p->fill = t;
    p->full = 1;
    cnd_signal(&p->cv);
    mtx_unlock(&p->mu);
}

void hashpipe_add(HashPipe *p, const char *line, size_t len)
{
    if (!p->running) {
        syncdiff_add(p->d, line, len);
        return;
    }
    buf_append(&p->fill, line, len);
    buf_putc(&p->fill, '\n');
    if (p->fill.len >= PIPE_BYTES)
        hand_over(p);
}

void hashpipe_finish(HashPipe *p)
{
    if (p->running) {
        if (p->fill.len)
            hand_over(p);
        mtx_lock(&p->mu);
        p->done = 1;
        cnd_signal(&p->cv);
        mtx_unlock(&p->mu);
        thrd_join(p->th, NULL);
        cnd_destroy(&p->cv);
        mtx_destroy(&p->mu);
        p->running = 0;
    }
    buf_free(&p->fill);
    buf_free(&p->handed);
}
