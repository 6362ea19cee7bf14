/* Landlock: the path and port rules, narrowed to what the running kernel's ABI knows.
 * Our own definitions up to ABI 7: the installed <linux/landlock.h> stops at ABI 2. */
#include <linux/types.h>
#include <sys/stat.h>

#include "sandbox.h"

struct ll_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net; /* ABI 4 */
	__u64 scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
	__u64 allowed_access;
	__u64 port;
};

#define LL_CREATE_RULESET_VERSION (1U << 0)
enum { LL_RULE_PATH_BENEATH = 1, LL_RULE_NET_PORT = 2 };

/* File-system rights, by bit: ABI 1 has 0-12, ABI 2 adds REFER, 3 TRUNCATE, 5 IOCTL_DEV. */
#define FS(bit) (1ULL << (bit))
enum { EXECUTE, WRITE_FILE, READ_FILE, READ_DIR, REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR,
       MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM, REFER, TRUNCATE, IOCTL_DEV, FS_COUNT };
#define FS_ALL (FS(FS_COUNT) - 1)
#define NET_BIND_TCP (1ULL << 0)    /* ABI 4 */
#define NET_CONNECT_TCP (1ULL << 1) /* ABI 4 */
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#define SCOPE_SIGNAL (1ULL << 1)               /* ABI 6 */

/* Rights that make sense on a file; the kernel refuses directory rights on a file rule. */
#define FILE_RIGHTS (FS(EXECUTE) | FS(WRITE_FILE) | FS(READ_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))
#define READ (FS(READ_FILE) | FS(READ_DIR))
/* Everything but running programs and making device nodes. */
#define WRITE (FS_ALL & ~(FS(EXECUTE) | FS(MAKE_CHAR) | FS(MAKE_BLOCK)))
#define DEVICE (FS(READ_FILE) | FS(WRITE_FILE) | FS(TRUNCATE) | FS(IOCTL_DEV))

static const char *const dev_nodes[] = { DEV_NODES };

int landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);

	return abi < 0 ? -errno : (int)abi;
}

static void add_path(int ruleset, int fd, __u64 access, __u64 handled, const char *path)
{
	struct ll_path_beneath_attr rule = { .parent_fd = fd };
	struct stat st;

	if (fstat(fd, &st) < 0)
		die_errno("landlock rule for %s", path);
	rule.allowed_access = access & handled & (S_ISDIR(st.st_mode) ? FS_ALL : FILE_RIGHTS);
	if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0) < 0)
		die_errno("landlock rule for %s", path);
}

/* For the helper's own paths (not grants), opened in the view the command will have. */
static void add_own_path(int ruleset, const char *path, __u64 access, __u64 handled)
{
	int fd = open_nofollow(AT_FDCWD, path, O_PATH);

	if (fd < 0)
		die_errno("landlock rule for %s", path);
	add_path(ruleset, fd, access, handled, path);
	close(fd);
}

/* The helper's own paths: those C1 made in mode full; in mode reduced the host's, where of /proc
 * only the command's own entry is readable (its pid survives execve). */
static void add_own_rules(int ruleset, const struct policy *p, __u64 fs)
{
	char path[32];

	snprintf(path, sizeof path, "/proc/%d", getpid());
	add_own_path(ruleset, p->mode == MODE_FULL ? "/proc" : path, READ, fs);
	if (p->mode == MODE_FULL)
		add_own_path(ruleset, "/dev/shm", WRITE, fs);
	/* /dev/zero read-only: written shared mappings of it are shmem nothing counts. */
	for (size_t i = 0; i < ARRAY_LEN(dev_nodes); i++) {
		snprintf(path, sizeof path, "/dev/%s", dev_nodes[i]);
		add_own_path(ruleset, path, strcmp(dev_nodes[i], "zero") ? DEVICE : FS(READ_FILE), fs);
	}
}

int landlock_prepare(const struct policy *p, int abi)
{
	struct ll_ruleset_attr attr = {
		.handled_access_fs = FS_ALL,
		.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP,
		.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL,
	};
	__u64 fs;
	int ruleset;

	/* One step per ABI, like samples/landlock/sandboxer.c; unlike it we never hide the
	 * result: the `layers` status line reports landlock=ABI. Fields the kernel does not know
	 * are zeroed, which it accepts. */
	switch (abi) {
	case 1: /* no REFER: ABI 1 denies every cross-folder rename and link anyway */
		attr.handled_access_fs &= ~FS(REFER);
		/* fallthrough */
	case 2:
		attr.handled_access_fs &= ~FS(TRUNCATE);
		/* fallthrough */
	case 3: /* no TCP rules: the network namespace still confines us to loopback (mode reduced
		 * refuses an ABI below 4) */
		attr.handled_access_net = 0;
		/* fallthrough */
	case 4:
		attr.handled_access_fs &= ~FS(IOCTL_DEV);
		/* fallthrough */
	case 5: /* no scopes: the namespaces still hide host processes and abstract sockets; mode
		 * reduced refuses unix sockets and filters signals with seccomp instead */
		attr.scoped = 0;
		/* fallthrough */
	case 6: /* ABI 7 adds only audit-log flags for restrict_self; the defaults suit us */
	default:
		break;
	}
	fs = attr.handled_access_fs;
	ruleset = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
	if (ruleset < 0)
		die_errno("landlock_create_ruleset");
	for (int i = 0; i < p->n_mounts; i++) {
		const struct grant *m = &p->mounts[i];

		if (m->kind == MOUNT_TMPFS)
			add_own_path(ruleset, m->path, WRITE, fs);
		else
			add_path(ruleset, m->fd, m->kind == MOUNT_RW ? WRITE : READ, fs, m->path);
	}
	for (int i = 0; i < p->n_exec; i++)
		add_path(ruleset, p->exec[i].fd, FS(EXECUTE) | FS(READ_FILE), fs, p->exec[i].path);
	add_own_rules(ruleset, p, fs);
	/* Every TCP bind and connect is refused, but a connect to the proxy's port (the network is
	 * reached through the broker and the proxy, which check the host as well as the port). */
	if (attr.handled_access_net && p->proxy_port) {
		struct ll_net_port_attr rule = { NET_CONNECT_TCP, p->proxy_port };

		if (syscall(__NR_landlock_add_rule, ruleset, LL_RULE_NET_PORT, &rule, 0) < 0)
			die_errno("landlock rule for TCP port %u", p->proxy_port);
	}
	return ruleset;
}

void landlock_enforce(int ruleset_fd)
{
	if (syscall(__NR_landlock_restrict_self, ruleset_fd, 0) < 0)
		die_errno("landlock_restrict_self");
	close(ruleset_fd);
}
