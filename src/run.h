/* run.h - what `pgmap run` and `pgmap sync` share before they load: the
 * state schema, the mapping's lock, the unfinished run and whether it can
 * be resumed (run_prepare.c). */
#ifndef PGMAP_RUN_H
#define PGMAP_RUN_H

#include "session.h"
#include "state.h"

enum { RUN_BUSY = 3 };

/* Opens the state (when use_state), takes the mapping's lock (RUN_BUSY
 * when another session holds it), reads the unfinished run into prev
 * (run_id 0 when none; with --restart it is abandoned and the tables it
 * created dropped), then compiles the plan (session_compile) and checks
 * that prev can be resumed with it.  The transaction stays open. */
int run_prepare(Session *s, const Options *o, const char *name, int use_state, StateRun *prev);

/* Opens the state and takes the lock, nothing else (sync). */
int run_lock(Session *s, const char *name);
/* The rejects file when neither --rejects nor rejects: names one:
 * <mapping stem>.rejects.jsonl in the current directory.  Caller frees. */
char *run_default_rejects_path(const char *mapping);

#endif
