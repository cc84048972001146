/* benchgen.h - what benchgen.c (the benchmark database generator) takes
 * from its other files. */
#ifndef PGMAP_BENCHGEN_H
#define PGMAP_BENCHGEN_H

#include <stdint.h>

/* YYYY-MM-DD of a day number (days since 1970-01-01); buf holds at least
 * 16 bytes.  Returns the length written. */
int fmt_date(char *buf, int64_t days);

#endif
