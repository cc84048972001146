/* sync.c - placeholder while being written */
#include "cli.h"
int cmd_sync(int argc, char **argv) { (void)argc; (void)argv; return 2; }
