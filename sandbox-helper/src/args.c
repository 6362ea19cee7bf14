/* The helper's command line: `--check`, or `--policy-fd N [--status-fd M] -- PATH [ARG...]`
 * (docs/sandbox-wire-format.md). No side effects, so that tests/args-probe.c can drive it. */
#include "args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FD_MAX (1 << 20) /* the kernel's default fs.nr_open: no descriptor can be higher */

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, "; " USAGE);
	return -1;
}

/* Decimal only, 3 or more: 0-2 are the command's stdio. */
static int fd_arg(const char *s, int *out)
{
	char *end;
	long v;

	if (!s || s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0' || errno || v < 3 || v > FD_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

int args_parse(int argc, char **argv, struct args *a, char *err, size_t errlen)
{
	int i = 1;

	*a = (struct args){ .policy_fd = -1, .status_fd = -1 };
	if (argc == 2 && strcmp(argv[1], "--check") == 0) {
		a->check = 1;
		return 0;
	}
	for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		int *slot = strcmp(argv[i], "--policy-fd") == 0   ? &a->policy_fd
			    : strcmp(argv[i], "--status-fd") == 0 ? &a->status_fd
								  : NULL;

		if (!slot || *slot >= 0)
			return fail(err, errlen, "unexpected argument '%.64s'", argv[i]);
		if (fd_arg(argv[i + 1], slot) < 0)
			return fail(err, errlen, "%s needs a descriptor number from 3 to %d, not '%.24s'",
				    argv[i], FD_MAX, argv[i + 1] ? argv[i + 1] : "");
	}
	if (a->policy_fd < 0)
		return fail(err, errlen, "--policy-fd is required");
	if (a->policy_fd == a->status_fd)
		return fail(err, errlen, "--policy-fd and --status-fd must differ");
	if (i + 1 >= argc || argv[i + 1][0] != '/')
		return fail(err, errlen, "an absolute PATH to run is required after --");
	a->command = argv + i + 1;
	return 0;
}
