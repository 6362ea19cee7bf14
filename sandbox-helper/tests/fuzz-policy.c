/* The fuzz target of the policy parser (src/policy.c): any bytes must be refused with one line
 * or parsed into a policy within every cap, with no crash, leak or undefined behaviour (built
 * with AddressSanitizer and UBSan). libFuzzer's entry point; tests/fuzz-driver.c runs it where
 * clang's libFuzzer is missing. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../src/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether a parsed policy keeps the promises the rest of the helper relies on. */
static int sound(const struct policy *p)
{
	if ((p->mode != MODE_FULL && p->mode != MODE_REDUCED) || !p->cwd || p->cwd[0] != '/')
		return 0;
	if (p->n_mounts != p->n_binds + p->n_tmpfs || p->n_binds > MAX_MOUNTS ||
	    p->n_tmpfs > MAX_TMPFS || p->n_symlinks > MAX_SYMLINKS || p->n_exec > MAX_EXEC ||
	    p->n_env > MAX_ENV || p->n_keep_fds > MAX_KEEP_FDS || p->env[p->n_env] != NULL)
		return 0;
	if (p->mode == MODE_REDUCED && (p->n_tmpfs || p->n_symlinks || p->proxy_port))
		return 0;
	for (int i = 0; i < p->n_mounts; i++)
		if (p->mounts[i].path[0] != '/' || strcmp(p->mounts[i].path, "/") == 0)
			return 0;
	for (int i = 0; i < p->n_keep_fds; i++)
		if (p->keep_fds[i] < 3 || p->keep_fds[i] == p->proxy_fd)
			return 0;
	return p->limits.memory && p->limits.pids && p->limits.timeout_ms && p->limits.nofile >= 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[POLICY_MAX_BYTES + 1]; /* policy_parse writes a NUL at text[size] */
	static struct policy p;
	char err[256];

	if (size > POLICY_MAX_BYTES) /* policy_read refuses these before parsing */
		return 0;
	memcpy(text, data, size);
	if (policy_parse(text, size, 3, 4, &p, err, sizeof err) == 0 ? !sound(&p)
	    : strncmp(err, "policy", 6) != 0 || !memchr(err, '\0', sizeof err))
		__builtin_trap();
	return 0;
}
