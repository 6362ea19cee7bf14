/* The helper's command line (args.c). */
#ifndef CORRAL_ARGS_H
#define CORRAL_ARGS_H

#include <stddef.h>

#define USAGE "usage: corral-sandbox --check | --policy-fd N [--status-fd M] -- PATH [ARG...]"

struct args {
	int check;     /* --check: report the layers, run nothing */
	int policy_fd; /* >= 3 */
	int status_fd; /* >= 3, or -1 when absent */
	char **command; /* PATH then its ARGs, NULL-terminated: the tail of argv itself */
};

/* Fills a from argv; on error returns -1 with a one-line reason (the usage included) in err. */
int args_parse(int argc, char **argv, struct args *a, char *err, size_t errlen);

#endif
