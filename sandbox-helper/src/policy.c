/* Strict parser of the policy line format: anything unexpected is refused with its line number. */
#include "sandbox.h"

#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>

#define MAGIC "corral-sandbox-policy 1"

/* Numbers past these bounds are a bug in the compiler, never a wish worth honouring. */
#define MEMORY_MAX (1ULL << 46)                       /* 64 TiB */
#define FSIZE_MAX (1ULL << 62)                        /* RLIM_INFINITY is the next step */
#define CPU_PERCENT_MAX 10000ULL                      /* 100 cores, as plan.ts allows */
#define PIDS_MAX 1000000ULL                           /* plan.ts's bound */
#define NOFILE_MIN 8ULL                               /* stdio and a few: no runtime starts below */
#define NOFILE_MAX 1048576ULL                         /* the kernel's default fs.nr_open */
#define TIMEOUT_MS_MAX (7ULL * 24 * 60 * 60 * 1000)   /* a week */
#define KEEP_FD_MAX 1023ULL                           /* below FD_SETSIZE, as plan.ts allows */

enum { SEEN_MODE = 1, SEEN_CWD = 2, SEEN_PROXY = 4, SEEN_SPAWN = 8, SEEN_TERMINAL = 16,
       SEEN_LIMIT0 = 32 };

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

__attribute__((format(printf, 1, 2))) static const char *say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return why;
}

/* Appends v to a fixed array, or names the cap that was hit. */
#define PUSH(array, n, v, what)                                          \
	((n) < (int)ARRAY_LEN(array) ? ((array)[(n)++] = (v), NULL)      \
				     : say("too many '%s' lines", what))

/* Absolute, normalised: no empty, "." or ".." segment and no trailing slash. */
static const char *check_path(const char *s)
{
	if (s[0] != '/')
		return "expected an absolute path";
	if (strlen(s) >= PATH_MAX)
		return "path too long";
	for (const char *seg = s + 1; s[1] != '\0'; seg += strcspn(seg, "/") + 1) {
		size_t n = strcspn(seg, "/");

		if (n == 0 || (seg[0] == '.' && (n == 1 || (n == 2 && seg[1] == '.'))))
			return "path is not normalised (an empty, '.' or '..' segment)";
		if (seg[n] == '\0')
			break;
	}
	return NULL;
}

/* A path the helper mounts or links: never the whole root, never its own /proc or /dev. */
static const char *check_mount_path(const char *s)
{
	const char *bad = check_path(s);

	if (bad || strcmp(s, "/") == 0)
		return bad ? bad : "cannot replace the whole root";
	if ((strncmp(s, "/proc", 5) == 0 && (s[5] == '\0' || s[5] == '/')) ||
	    (strncmp(s, "/dev", 4) == 0 && (s[4] == '\0' || s[4] == '/')))
		return "/proc and /dev are the sandbox's own";
	return NULL;
}

/* Decimal only: no sign, no blanks, no trailing junk (strtoull alone accepts all three). */
static const char *number(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = s && s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
	if (!s || s[0] < '0' || s[0] > '9' || errno == ERANGE || *end || v < min || v > max) {
		return say("'%.24s' is not a number from %llu to %llu", s ? s : "",
			   (unsigned long long)min, (unsigned long long)max);
	}
	*out = v;
	return NULL;
}

static const char *once(unsigned *seen, unsigned bit, const char *what)
{
	if (*seen & bit)
		return say("'%s' given twice", what);
	*seen |= bit;
	return NULL;
}

static const char *add_env(struct policy *p, char *arg)
{
	size_t n = strcspn(arg, "=");

	if (arg[n] != '=' || n == 0 || (arg[0] >= '0' && arg[0] <= '9') ||
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return "expected NAME=VALUE with a valid variable name";
	for (int i = 0; i < p->n_env; i++)
		if (strncmp(p->env[i], arg, n + 1) == 0)
			return "variable given twice";
	if (p->n_env == MAX_ENV)
		return "too many 'env' lines";
	p->env[p->n_env++] = arg; /* env[] stays NULL-terminated: zeroed, with a spare slot */
	return NULL;
}

/* A descriptor of the caller's: never one of the helper's own two, never named twice. */
static const char *fd_number(const struct policy *p, const char *arg, int policy_fd, int status_fd,
			     int *out)
{
	uint64_t fd;
	const char *bad = number(arg, 3, KEEP_FD_MAX, &fd);

	if (bad)
		return bad;
	if ((int)fd == policy_fd || (int)fd == status_fd)
		return "names the helper's own policy or status descriptor";
	for (int i = 0; i < p->n_keep_fds; i++)
		if (p->keep_fds[i] == (int)fd)
			return "names a keep-fd descriptor again";
	if ((int)fd == p->proxy_fd)
		return "names the proxy-listen descriptor again";
	for (int i = 0; i < p->n_cgroup_fds; i++)
		if (p->cgroup_fds[i] == (int)fd)
			return "names a cgroup descriptor again";
	*out = (int)fd;
	return NULL;
}

static const char *add_keep_fd(struct policy *p, const char *arg, int policy_fd, int status_fd)
{
	int fd;
	const char *bad = fd_number(p, arg, policy_fd, status_fd, &fd);

	return bad ? say("keep-fd %s", bad) : PUSH(p->keep_fds, p->n_keep_fds, fd, "keep-fd");
}

static const char *add_limit(struct policy *p, char *arg, char *value, unsigned *seen)
{
	for (size_t i = 0; i < ARRAY_LEN(limit_specs); i++) {
		uint64_t *slot = (uint64_t *)((char *)&p->limits + limit_specs[i].offset);
		const char *bad;

		if (strcmp(arg, limit_specs[i].name) != 0)
			continue;
		bad = number(value, limit_specs[i].min, limit_specs[i].max, slot);
		return bad ? bad : once(seen, SEEN_LIMIT0 << i, limit_specs[i].name);
	}
	return "expected 'limit memory|cpu|pids|nofile|fsize|timeout-ms VALUE'";
}

static const char *set_mode(struct policy *p, const char *arg, unsigned *seen)
{
	if (strcmp(arg, "full") != 0 && strcmp(arg, "reduced") != 0)
		return "expected 'mode full' or 'mode reduced'";
	p->mode = arg[0] == 'f' ? MODE_FULL : MODE_REDUCED;
	return once(seen, SEEN_MODE, "mode");
}

static const char *add_proxy(struct policy *p, const char *port, const char *fd, unsigned *seen,
			     int policy_fd, int status_fd)
{
	const char *bad = !fd || !*fd ? "expected 'proxy-listen PORT FD'" : NULL;
	uint64_t n;

	if (bad || (bad = number(port, 1, 65535, &n)))
		return bad;
	if ((bad = fd_number(p, fd, policy_fd, status_fd, &p->proxy_fd)))
		return say("proxy-listen %s", bad);
	p->proxy_port = (uint16_t)n;
	return once(seen, SEEN_PROXY, "proxy-listen");
}

/* `cgroup v1|v2 FD`, up to three of one version (v1: one group per controller). */
static const char *add_cgroup(struct policy *p, const char *version, const char *fd,
			      int policy_fd, int status_fd)
{
	int v = !strcmp(version, "v1") ? 1 : !strcmp(version, "v2") ? 2 : 0, n;
	const char *bad = !v || !fd || !*fd ? "expected 'cgroup v1|v2 FD'" : NULL;

	if (bad || (bad = fd_number(p, fd, policy_fd, status_fd, &n)))
		return bad;
	if (p->cgroup_version && p->cgroup_version != v)
		return "cgroup lines of two versions";
	p->cgroup_version = v;
	return PUSH(p->cgroup_fds, p->n_cgroup_fds, n, "cgroup");
}

/* Directives whose argument is two fields: `symlink PATH TARGET`, `limit KIND N`,
 * `proxy-listen PORT FD`, `cgroup VERSION FD`. */
static const char *const two_fields[] = { "symlink", "limit", "proxy-listen", "cgroup" };
/* What mode reduced cannot do: it has no mount namespace and no network namespace. */
static const char *const full_only[] = { "tmpfs", "symlink", "proxy-listen" };

static int among(const char *word, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(word, list[i]) == 0)
			return 1;
	return 0;
}

static const char *directive(struct policy *p, const char *word, char *arg, unsigned *seen,
			     int policy_fd, int status_fd)
{
	char *second = arg && among(word, two_fields, ARRAY_LEN(two_fields)) ? strchr(arg, ' ')
									       : NULL;
	const char *bad;

	if (!arg || !*arg)
		return say("'%s' needs an argument", word);
	if (second)
		*second++ = '\0';
	if (strcmp(word, "mode") == 0)
		return set_mode(p, arg, seen);
	/* First, so every later line is checked against it. */
	if (!(*seen & SEEN_MODE))
		return "'mode' must be the first directive";
	if (p->mode == MODE_REDUCED && among(word, full_only, ARRAY_LEN(full_only)))
		return say("'%s' needs mode full (mode reduced has no mount or network namespace)",
			   word);
	if (strcmp(word, "ro") == 0 || strcmp(word, "rw") == 0 || strcmp(word, "tmpfs") == 0) {
		enum mount_kind kind = word[0] == 't' ? MOUNT_TMPFS
				       : word[1] == 'w' ? MOUNT_RW : MOUNT_RO;
		int *count = kind == MOUNT_TMPFS ? &p->n_tmpfs : &p->n_binds;

		if ((bad = check_mount_path(arg)))
			return bad;
		if (*count == (kind == MOUNT_TMPFS ? MAX_TMPFS : MAX_MOUNTS))
			return say("too many '%s' lines", kind == MOUNT_TMPFS ? "tmpfs" : "ro/rw");
		++*count;
		p->mounts[p->n_mounts++] = (struct grant){ arg, kind, -1 };
		return NULL;
	}
	if (strcmp(word, "symlink") == 0)
		return !second || !*second ? "expected 'symlink PATH TARGET'"
		       : (bad = check_mount_path(arg)) ? bad
		       : PUSH(p->symlinks, p->n_symlinks, ((struct symlink_spec){ arg, second }),
			      word);
	if (strcmp(word, "exec") == 0)
		return (bad = check_path(arg)) ? bad
		       : PUSH(p->exec, p->n_exec, ((struct grant){ arg, MOUNT_RO, -1 }), word);
	if (strcmp(word, "cwd") == 0)
		return (bad = check_path(arg)) ? bad : (p->cwd = arg, once(seen, SEEN_CWD, word));
	if (strcmp(word, "env") == 0)
		return add_env(p, arg);
	if (strcmp(word, "terminal") == 0)
		return strcmp(arg, "caller") != 0 && strcmp(arg, "pty") != 0
			       ? "expected 'terminal caller' or 'terminal pty'"
			       : (p->terminal_pty = arg[0] == 'p', once(seen, SEEN_TERMINAL, word));
	if (strcmp(word, "spawn") == 0)
		return strcmp(arg, "yes") != 0 && strcmp(arg, "no") != 0 ? "expected 'spawn yes' or 'spawn no'"
		       : (p->spawn = arg[0] == 'y', once(seen, SEEN_SPAWN, word));
	if (strcmp(word, "keep-fd") == 0)
		return add_keep_fd(p, arg, policy_fd, status_fd);
	if (strcmp(word, "limit") == 0)
		return add_limit(p, arg, second, seen);
	if (strcmp(word, "proxy-listen") == 0)
		return add_proxy(p, arg, second, seen, policy_fd, status_fd);
	if (strcmp(word, "cgroup") == 0)
		return add_cgroup(p, arg, second, policy_fd, status_fd);
	return say("unknown directive '%.32s'", word);
}

/* What a complete policy must have said by its `end` line, and what only the whole can show. */
static const char *missing(unsigned seen)
{
	if (!(seen & SEEN_MODE))
		return "'mode' is required";
	if (!(seen & SEEN_CWD))
		return "'cwd' is required";
	if (!(seen & SEEN_SPAWN))
		return "'spawn' is required";
	for (size_t i = 0; i < ARRAY_LEN(limit_specs); i++)
		if (!(seen & (SEEN_LIMIT0 << i)))
			return say("'limit %s' is required", limit_specs[i].name);
	return NULL;
}

int policy_parse(char *text, size_t len, int policy_fd, int status_fd, struct policy *p, char *err,
		 size_t errlen)
{
	char *line = text, *stop = text + len;
	unsigned n = 0, seen = 0;
	int ended = 0;

	memset(p, 0, sizeof *p);
	p->proxy_fd = -1;
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
		else if (line[0] == '\0')
			bad = "empty line";
		else if (strcmp(line, "end") == 0) {
			ended = 1;
			bad = missing(seen);
		} else {
			if ((space = strchr(line, ' ')))
				*space = '\0';
			bad = directive(p, line, space ? space + 1 : NULL, &seen, policy_fd,
					status_fd);
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
	/* Checked before the helper opens anything, so none of its own descriptors can take a
	 * keep-fd's number and be handed to the command. */
	for (int i = 0; i < p->n_keep_fds; i++)
		if (fcntl(p->keep_fds[i], F_GETFD) < 0)
			die_errno("keep-fd %d", p->keep_fds[i]);
	if (p->proxy_fd >= 0 && fcntl(p->proxy_fd, F_SETFD, FD_CLOEXEC) < 0)
		die_errno("proxy-listen descriptor %d", p->proxy_fd);
	for (int i = 0; i < p->n_cgroup_fds; i++)
		if (fcntl(p->cgroup_fds[i], F_SETFD, FD_CLOEXEC) < 0)
			die_errno("cgroup descriptor %d", p->cgroup_fds[i]);
}
