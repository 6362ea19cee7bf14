/* C1: the sandbox's file system, a tmpfs root holding only the granted paths, /proc and /dev. */
#include <sys/mount.h>
#include <linux/mount.h> /* the new API's names: glibc's <sys/mount.h> has them too, musl's not */
#include <sys/stat.h>

#include "sandbox.h"

/* The new mount API as raw system calls: musl has no wrappers for it (glibc since 2.36). */
static int set_attrs(int dfd, const char *path, unsigned flags, __u64 attrs)
{
	struct mount_attr a = { .attr_set = attrs };

	return (int)syscall(__NR_mount_setattr, dfd, path, flags, &a, sizeof a);
}

/* Where the root is assembled before pivot_root, in our own mount namespace. Never a place a
 * grant can hold: a grant's bind is a recursive clone of what is beneath it, which would then
 * show the skeleton instead of the grant (a workspace of /tmp did). No grant may be in /proc. */
#define STAGING "/proc"
#define TMPFS_INODES "65536" /* files in the scratch tmpfs: plenty, and bounded kernel memory */

static const char *const dev_nodes[] = { DEV_NODES };

/* Grants come from permissions.fs, --workspace, the system view and the command's own files;
 * the message says which kinds, since the helper cannot tell them apart. */
#define GRANT_WHO "(permissions.fs, --workspace or the command)"

static int open_grant(const char *what, const char *path)
{
	int fd = open_nofollow(AT_FDCWD, path, O_PATH);

	if (fd < 0 && errno == ELOOP)
		die("%s grant %s " GRANT_WHO ": the path contains a symlink; grant its real path",
		    what, path);
	if (fd < 0)
		die_errno("%s grant %s " GRANT_WHO, what, path);
	return fd;
}

void mounts_open_grants(struct policy *p)
{
	/* Opened once, before anything is mounted: later steps (binds, Landlock) use these
	 * descriptors, so nothing can redirect a grant between check and use. */
	for (int i = 0; i < p->n_mounts; i++) {
		struct grant *g = &p->mounts[i];

		if (g->kind != MOUNT_TMPFS)
			g->fd = open_grant(g->kind == MOUNT_RW ? "rw" : "ro", g->path);
	}
	for (int i = 0; i < p->n_exec; i++)
		p->exec[i].fd = open_grant("exec", p->exec[i].path);
}

/* Opens the folder that will hold `path` inside the new root, creating missing folders and
 * never following a symlink (O_NOFOLLOW|O_DIRECTORY refuses one). */
static int open_parent(int root, const char *path, char buf[PATH_MAX], const char **last)
{
	char *comp = buf, *slash;
	int dir = fcntl(root, F_DUPFD_CLOEXEC, 3);

	snprintf(buf, PATH_MAX, "%s", path + 1);
	while (dir >= 0 && (slash = strchr(comp, '/'))) {
		int next;

		*slash = '\0';
		next = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && mkdirat(dir, comp, 0755) == 0)
			next = openat(dir, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dir);
		dir = next;
		comp = slash + 1;
	}
	if (dir < 0)
		die_errno("mount point for %s", path);
	*last = comp;
	return dir;
}

/* An empty folder or file at `path` in the new root to mount on, as an O_PATH descriptor. */
static int make_mount_point(int root, const char *path, int is_dir)
{
	char buf[PATH_MAX];
	const char *last;
	int parent = open_parent(root, path, buf, &last), fd;
	struct stat st;

	/* One already there (a grant inside a read-only grant: --workspace /tmp holds the run's
	 * own folder) is used as it is; only a missing one is made. */
	fd = openat(parent, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT &&
	    (is_dir ? mkdirat(parent, last, 0755) : mknodat(parent, last, S_IFREG | 0644, 0)) < 0)
		die_errno("mount point for %s inside a read-only grant " GRANT_WHO, path);
	if (fd < 0)
		fd = openat(parent, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		die_errno("mount point for %s", path);
	if (!S_ISDIR(st.st_mode) != !is_dir || S_ISLNK(st.st_mode))
		die("mount point for %s: something else is in the way", path);
	close(parent);
	return fd;
}

/* Binds src (and every mount beneath it) onto dst. The attributes are set on the detached
 * copy, so a read-only grant is never writable, not even for an instant, and mount_setattr
 * only adds flags: it cannot trip over the flags the kernel locked (nosuid, nodev, atime). */
static void bind_fd(int src, int dst, __u64 attrs, const char *path)
{
	int tree = (int)syscall(__NR_open_tree, src, "",
				OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);

	if (tree < 0 || set_attrs(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attrs) < 0 ||
	    syscall(__NR_move_mount, tree, "", dst, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		die_errno("bind %s", path);
	close(tree);
}

static int fs_set(int fs, const char *key, const char *value)
{
	return (int)syscall(__NR_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0);
}

/* One tmpfs holds all of the sandbox's scratch, every `tmpfs PATH` and /dev/shm a folder of it,
 * capped at the memory limit: together they can never hold more (RLIMIT_DATA does not count
 * their pages; a memory cgroup does). It is never mounted itself, only its folders are: each is
 * private, writable, noexec, mode 0700 (only the caller's uid exists inside). */
static void bind_scratch(int dst, unsigned long long size, const char *path)
{
	static int scratch = -1, n;
	char name[16], opt[24];
	int fs, dir;

	if (scratch < 0) {
		snprintf(opt, sizeof opt, "%llu", size);
		fs = (int)syscall(__NR_fsopen, "tmpfs", FSOPEN_CLOEXEC);
		if (fs < 0 || fs_set(fs, "size", opt) || fs_set(fs, "nr_inodes", TMPFS_INODES) ||
		    fs_set(fs, "mode", "0700") ||
		    syscall(__NR_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
		    (scratch = (int)syscall(__NR_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0)
			die_errno("tmpfs for %s", path);
		close(fs);
	}
	snprintf(name, sizeof name, "%d", n++);
	if (mkdirat(scratch, name, 0700) < 0 ||
	    (dir = openat(scratch, name, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_errno("tmpfs %s", path);
	bind_fd(dir, dst, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, path);
	close(dir);
}

static void build_dev(int root, unsigned long long shm_size)
{
	int dev, shm;

	/* mknod is refused in a user namespace, so the harmless nodes are bound from the host. */
	if (mkdirat(root, "dev", 0755) < 0 ||
	    mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") ||
	    (dev = openat(root, "dev", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		die_errno("/dev");
	for (size_t i = 0; i < ARRAY_LEN(dev_nodes); i++) {
		char host[32];
		int src, dst;

		snprintf(host, sizeof host, "/dev/%s", dev_nodes[i]);
		if (mknodat(dev, dev_nodes[i], S_IFREG | 0644, 0) < 0 ||
		    (dst = openat(dev, dev_nodes[i], O_PATH | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		    (src = open(host, O_PATH | O_CLOEXEC)) < 0)
			die_errno("%s", host);
		bind_fd(src, dst, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, host);
		close(src);
		close(dst);
	}
	if (mkdirat(dev, "shm", 0700) < 0 || (shm = openat(dev, "shm", O_PATH | O_CLOEXEC)) < 0)
		die_errno("/dev/shm");
	bind_scratch(shm, shm_size, "/dev/shm");
	close(shm);
	if (symlinkat("/proc/self/fd", dev, "fd") || symlinkat("/proc/self/fd/0", dev, "stdin") ||
	    symlinkat("/proc/self/fd/1", dev, "stdout") ||
	    symlinkat("/proc/self/fd/2", dev, "stderr"))
		die_errno("/dev links");
	close(dev);
}

/* Grants and private tmpfs in policy order (the compiler puts parents first, and a tmpfs before
 * the grants beneath it). nodev, nosuid: a grant exposes files, not devices or set-uid programs.
 * noexec on everything writable: what the command writes is never mapped as code, not even by
 * the loader (Landlock's EXECUTE covers execve, not mmap). */
static void mount_grants(int root, const struct policy *p)
{
	for (int i = 0; i < p->n_mounts; i++) {
		const struct grant *g = &p->mounts[i];
		struct stat st;
		int dst;

		if (g->kind == MOUNT_TMPFS) {
			dst = make_mount_point(root, g->path, 1);
			bind_scratch(dst, p->limits.memory, g->path);
		} else {
			if (fstat(g->fd, &st) < 0)
				die_errno("%s", g->path);
			dst = make_mount_point(root, g->path, S_ISDIR(st.st_mode));
			bind_fd(g->fd, dst, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				(g->kind == MOUNT_RW ? MOUNT_ATTR_NOEXEC : MOUNT_ATTR_RDONLY), g->path);
		}
		close(dst);
	}
}

void mounts_build(const struct policy *p)
{
	int root;

	/* Slave: host unmounts still reach us, nothing we mount reaches the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		die_errno("make / a slave mount");
	if (mount("tmpfs", STAGING, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0 ||
	    (root = open(STAGING, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0 || fchdir(root) < 0)
		die_errno("new root");
	/* A fresh proc of the new pid namespace: only the sandbox's own processes are visible. */
	if (mkdirat(root, "proc", 0755) < 0 ||
	    mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die_errno("/proc");
	build_dev(root, p->limits.memory);
	mount_grants(root, p);
	for (int i = 0; i < p->n_symlinks; i++) {
		char buf[PATH_MAX];
		const char *last;
		int parent = open_parent(root, p->symlinks[i].path, buf, &last);

		if (symlinkat(p->symlinks[i].target, parent, last) < 0)
			die_errno("symlink %s", p->symlinks[i].path);
		close(parent);
	}
	/* pivot_root(".", ".") stacks the old root on the new one; detaching it leaves nothing of
	 * the host but the grants (pivot_root(2), "NOTES"). */
	if (syscall(__NR_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die_errno("pivot_root");
	/* The skeleton is read-only, like bwrap's: no files can be left at / or in /dev. */
	if (set_attrs(AT_FDCWD, "/", 0, MOUNT_ATTR_RDONLY) ||
	    set_attrs(AT_FDCWD, "/dev", 0, MOUNT_ATTR_RDONLY))
		die_errno("read-only root");
	close(root);
}
