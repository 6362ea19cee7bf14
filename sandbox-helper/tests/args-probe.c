/* Drives the helper's argument parser (src/args.c) for test/unit/sandbox/helper-args.test.ts:
 * reads one command line per input line (arguments separated by the byte 0x1f) and prints, per
 * line, `check`, `ok POLICY STATUS PATH [ARG...]` or `error REASON`. One process for every case:
 * the sanitizers make each start slow. */
#include <stdio.h>
#include <string.h>

#include "../src/args.h"

#define MAX_ARGS 64

int main(void)
{
	static char line[65536];

	while (fgets(line, sizeof line, stdin)) {
		char *argv[MAX_ARGS + 2] = { "corral-sandbox" }, err[256];
		int argc = 1;
		struct args a;

		line[strcspn(line, "\n")] = '\0';
		/* strsep, not strtok: empty arguments count. */
		for (char *rest = line[0] ? line : NULL, *arg; rest && argc <= MAX_ARGS;)
			if ((arg = strsep(&rest, "\x1f")))
				argv[argc++] = arg;
		argv[argc] = NULL;
		if (args_parse(argc, argv, &a, err, sizeof err) < 0)
			printf("error %s\n", err);
		else if (a.check)
			printf("check\n");
		else {
			printf("ok %d %d", a.policy_fd, a.status_fd);
			for (char **arg = a.command; *arg; arg++)
				printf(" %s", *arg);
			printf("\n");
		}
	}
	return 0;
}
