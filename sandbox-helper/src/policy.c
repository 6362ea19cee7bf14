/* Strict parser of the policy line format: anything unexpected is refused with its line number. */
#define _GNU_SOURCE
#include "policy.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define MAGIC "corral-sandbox-policy 1"

/* Numbers past these bounds are a bug in the compiler, never a wish worth honouring. */
#define MEMORY_MAX (1ULL << 46)                       /* 64 TiB */
#define FSIZE_MAX (1ULL << 62)                        /* RLIM_INFINITY is the next step */
#define CPU_PERCENT_MAX 10000ULL                      /* 100 cores, as plan.ts allows */
#define PIDS_MAX 1000000ULL                           /* plan.ts's bound */
#define NOFILE_MIN 8ULL                               /* stdio plus a few: less cannot run a runtime */
#define NOFILE_MAX 1048576ULL                         /* the kernel's default fs.nr_open */
#define TIMEOUT_MS_MAX (7ULL * 24 * 60 * 60 * 1000)   /* a week */
#define KEEP_FD_MAX 1023ULL                           /* below FD_SETSIZE, as plan.ts allows */

enum { SEEN_MODE = 1, SEEN_CWD = 2, SEEN_LIMIT0 = 4 };

static const struct {
	const char *name;
	uint64_t min, max;
	size_t offset;
} limit_specs[] = {
	{ "memory", 1, MEMORY_MAX, offsetof(struct limits, memory) },
	{ "cpu", 1, CPU_PERCENT_MAX, offsetof(struct limits, cpu_percent) },
	{ "pids", 1, PIDS_MAX, offsetof(struct limits, pids) },
	{ "nofile", NOFILE_MIN, NOFILE_MAX, offsetof(struct limits, nofile) },
	{ "fsize", 1, FSIZE_MAX, offsetof(struct limits, fsize) },
	{ "timeout-ms", 1, TIMEOUT_MS_MAX, offsetof(struct limits, timeout_ms) },
};

static char why[160]; /* the formatted reason for the current line */

/* Absolute, normalised: no empty, "." or ".." segment and no trailing slash. */
static const char *check_path(const char *s)
{
	const char *seg = s + 1;

	if (!s || s[0] != '/')
		return "expected an absolute path";
	if (strlen(s) >= PATH_MAX)
		return "path too long";
	if (s[1] == '\0')
		return NULL;
	for (;;) {
		size_t n = strcspn(seg, "/");

		if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.'))
			return "path is not normalised (empty, '.' or '..' segment, or trailing slash)";
		if (seg[n] == '\0')
			return NULL;
		seg += n + 1;
	}
}

/* A path the helper may mount or link: never the whole root, never its own /proc or /dev. */
static const char *check_mount_path(const char *s)
{
	const char *bad = check_path(s);

	if (bad)
		return bad;
	if (strcmp(s, "/") == 0)
		return "cannot replace the whole root";
	if (strncmp(s, "/proc", 5) == 0 && (s[5] == '\0' || s[5] == '/'))
		return "/proc is the sandbox's own";
	if (strncmp(s, "/dev", 4) == 0 && (s[4] == '\0' || s[4] == '/'))
		return "/dev is the sandbox's own";
	return NULL;
}

/* Decimal only: no sign, no blanks, no trailing junk (strtoull alone accepts all three). */
static const char *number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || s[0] < '0' || s[0] > '9')
		return "expected a decimal number";
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || *end != '\0' || v < min || v > max) {
		snprintf(why, sizeof why, "'%.24s' is not a number from %llu to %llu", s,
			 (unsigned long long)min, (unsigned long long)max);
		return why;
	}
	*out = v;
	return NULL;
}

static const char *once(unsigned *seen, unsigned bit, const char *what)
{
	if (*seen & bit) {
		snprintf(why, sizeof why, "'%s' given twice", what);
		return why;
	}
	*seen |= bit;
	return NULL;
}

static const char *full(const char *what)
{
	snprintf(why, sizeof why, "too many '%s' lines", what);
	return why;
}

static const char *add_env(struct policy *p, char *rest)
{
	const char *eq = rest ? strchr(rest, '=') : NULL;
	size_t n = eq ? (size_t)(eq - rest) : 0;

	if (!eq || n == 0 || (rest[0] >= '0' && rest[0] <= '9') ||
	    strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return "expected NAME=VALUE with a valid variable name";
	for (int i = 0; i < p->n_env; i++)
		if (strncmp(p->env[i], rest, n + 1) == 0)
			return "variable given twice";
	if (p->n_env == MAX_ENV)
		return full("env");
	p->env[p->n_env++] = rest;
	return NULL;
}

static const char *add_keep_fd(struct policy *p, const char *rest, int policy_fd, int status_fd)
{
	uint64_t fd;
	const char *bad = number(rest, 3, KEEP_FD_MAX, &fd);

	if (bad)
		return bad;
	if ((int)fd == policy_fd || (int)fd == status_fd)
		return "keep-fd names the helper's own policy or status descriptor";
	for (int i = 0; i < p->n_keep_fds; i++)
		if (p->keep_fds[i] == (int)fd)
			return "keep-fd given twice";
	if (p->n_keep_fds == MAX_KEEP_FDS)
		return full("keep-fd");
	p->keep_fds[p->n_keep_fds++] = (int)fd;
	return NULL;
}

static const char *add_port(uint16_t *ports, int *n, const char *rest, const char *what)
{
	uint64_t port;
	const char *bad = number(rest, 1, 65535, &port);

	if (bad)
		return bad;
	if (*n == MAX_PORTS)
		return full(what);
	ports[(*n)++] = (uint16_t)port;
	return NULL;
}

static const char *add_limit(struct policy *p, char *rest, unsigned *seen)
{
	char *value = rest ? strchr(rest, ' ') : NULL;

	if (value)
		*value++ = '\0';
	for (size_t i = 0; rest && i < ARRAY_LEN(limit_specs); i++) {
		if (strcmp(rest, limit_specs[i].name) != 0)
			continue;
		uint64_t *slot = (uint64_t *)((char *)&p->limits + limit_specs[i].offset);
		const char *bad = number(value, limit_specs[i].min, limit_specs[i].max, slot);

		return bad ? bad : once(seen, SEEN_LIMIT0 << i, limit_specs[i].name);
	}
	return "expected 'limit memory|cpu|pids|nofile|fsize|timeout-ms VALUE'";
}

static const char *directive(struct policy *p, const char *word, char *rest, unsigned *seen,
			     int policy_fd, int status_fd)
{
	const char *bad;

	if (strcmp(word, "mode") == 0)
		return rest && strcmp(rest, "full") == 0 ? once(seen, SEEN_MODE, "mode") : "expected 'mode full'";
	if (strcmp(word, "ro") == 0 || strcmp(word, "rw") == 0) {
		if ((bad = check_mount_path(rest)))
			return bad;
		if (p->n_mounts == MAX_MOUNTS)
			return full("ro/rw");
		p->mounts[p->n_mounts++] = (struct grant){ rest, word[1] == 'w', -1 };
		return NULL;
	}
	if (strcmp(word, "symlink") == 0) {
		char *target = rest ? strchr(rest, ' ') : NULL;

		if (!target || target[1] == '\0')
			return "expected 'symlink PATH TARGET'";
		*target++ = '\0';
		if ((bad = check_mount_path(rest)))
			return bad;
		if (p->n_symlinks == MAX_SYMLINKS)
			return full("symlink");
		p->symlinks[p->n_symlinks++] = (struct symlink_spec){ rest, target };
		return NULL;
	}
	if (strcmp(word, "tmpfs") == 0) {
		if ((bad = check_mount_path(rest)))
			return bad;
		if (p->n_tmpfs == MAX_TMPFS)
			return full("tmpfs");
		p->tmpfs[p->n_tmpfs++] = rest;
		return NULL;
	}
	if (strcmp(word, "exec") == 0) {
		if ((bad = check_path(rest)))
			return bad;
		if (p->n_exec == MAX_EXEC)
			return full("exec");
		p->exec[p->n_exec++] = (struct grant){ rest, 0, -1 };
		return NULL;
	}
	if (strcmp(word, "cwd") == 0) {
		if ((bad = check_path(rest)))
			return bad;
		p->cwd = rest;
		return once(seen, SEEN_CWD, "cwd");
	}
	if (strcmp(word, "env") == 0)
		return add_env(p, rest);
	if (strcmp(word, "tcp-connect") == 0)
		return add_port(p->tcp_connect, &p->n_tcp_connect, rest, word);
	if (strcmp(word, "tcp-bind") == 0)
		return add_port(p->tcp_bind, &p->n_tcp_bind, rest, word);
	if (strcmp(word, "keep-fd") == 0)
		return add_keep_fd(p, rest, policy_fd, status_fd);
	if (strcmp(word, "limit") == 0)
		return add_limit(p, rest, seen);
	snprintf(why, sizeof why, "unknown directive '%.32s'", word);
	return why;
}

/* What a complete policy must have said by its `end` line. */
static const char *missing(unsigned seen)
{
	if (!(seen & SEEN_MODE))
		return "'mode' is required";
	if (!(seen & SEEN_CWD))
		return "'cwd' is required";
	for (size_t i = 0; i < ARRAY_LEN(limit_specs); i++)
		if (!(seen & (SEEN_LIMIT0 << i))) {
			snprintf(why, sizeof why, "'limit %s' is required", limit_specs[i].name);
			return why;
		}
	return NULL;
}

int policy_parse(char *text, size_t len, int policy_fd, int status_fd, struct policy *p, char *err,
		 size_t errlen)
{
	char *line = text, *stop = text + len;
	unsigned n = 0, seen = 0;
	int ended = 0;

	memset(p, 0, sizeof *p);
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "policy: contains a NUL byte");
		return -1;
	}
	while (line < stop) {
		char *nl = memchr(line, '\n', (size_t)(stop - line));
		char *space;
		const char *bad = NULL;

		if (!nl)
			nl = stop;
		*nl = '\0';
		n++;
		if (ended)
			bad = "text after 'end'";
		else if (n == 1)
			bad = strcmp(line, MAGIC) == 0 ? NULL : "expected '" MAGIC "'";
		else if (strcmp(line, "end") == 0) {
			ended = 1;
			bad = missing(seen);
		} else {
			if ((space = strchr(line, ' ')))
				*space = '\0';
			bad = directive(p, line, space ? space + 1 : NULL, &seen, policy_fd, status_fd);
		}
		if (bad) {
			snprintf(err, errlen, "policy line %u: %s", n, bad);
			return -1;
		}
		line = nl + 1;
	}
	if (!ended) {
		snprintf(err, errlen, "policy: truncated (no 'end' line)");
		return -1;
	}
	return 0;
}

void policy_read(int fd, int status_fd, struct policy *p)
{
	static char text[POLICY_MAX_BYTES + 2]; /* one byte to notice oversize, one for the NUL */
	char err[256];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, text + len, sizeof text - 1 - len);
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (n > 0 && (len += (size_t)n) <= POLICY_MAX_BYTES)
			continue;
		if (n > 0)
			die("policy: larger than %d bytes", POLICY_MAX_BYTES);
		if (n == 0)
			break;
		if (errno == EAGAIN && poll(&pfd, 1, -1) >= 0)
			continue; /* the caller handed us a non-blocking descriptor */
		if (errno != EINTR)
			die_errno("read policy from fd %d", fd);
	}
	close(fd);
	if (policy_parse(text, len, fd, status_fd, p, err, sizeof err) < 0)
		die("%s", err);
}
