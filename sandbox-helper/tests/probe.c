/* A tiny syscall probe for the sandbox tests (the bubblewrap way): each argument names one
 * attempt, and one line "NAME ok" or "NAME ERRNO" reports what the kernel answered. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* Runs a child that only waits to be killed, for the calls that need a victim. */
static pid_t victim(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* The errno of `call` made in a child process (for calls that differ for the sandbox's first). */
#define IN_CHILD(call)                                                  \
	do {                                                            \
		pid_t pid_ = fork();                                    \
		int st_ = 0;                                            \
		if (pid_ == 0)                                          \
			_exit((call) < 0 ? errno : 0);                  \
		waitpid(pid_, &st_, 0);                                 \
		errno = WEXITSTATUS(st_);                               \
		return errno ? -1 : 0;                                  \
	} while (0)

/* Runs PATH [ARG] in a child: -1 with errno when execve (or execveat of fd, path "") fails, the
 * exit code when the program ran (0: it did its job). The errno comes back on a close-on-exec
 * pipe, so a program's own exit code is never mistaken for it. */
static long run_program(int fd, const char *path, char *arg)
{
	char *args[] = { (char *)path, arg, NULL };
	int pipefd[2], err = 0, st = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (fd >= 0)
			syscall(SYS_execveat, fd, "", args, args + 2, AT_EMPTY_PATH);
		else
			execve(path, args, args + 2);
		err = errno;
		(void)!write(pipefd[1], &err, sizeof err);
		_exit(127);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &err, sizeof err) != sizeof err)
		err = 0;
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	errno = err;
	return err ? -1 : WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A new process that exits at once; ret is what the creating call returned. */
static long child_exits(long ret)
{
	if (ret == 0)
		_exit(0);
	if (ret > 0)
		waitpid((pid_t)ret, NULL, 0);
	return ret;
}

static long attempt(const char *op)
{
	char c = 'x', buf[64];
	long r;

	if (strcmp(op, "ptrace") == 0) {
		pid_t pid = victim();

		r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
		reap(pid);
		return r;
	}
	if (strcmp(op, "process_vm_readv") == 0) {
		struct iovec here = { buf, 1 }, there = { &c, 1 };

		return process_vm_readv(getpid(), &here, 1, &there, 1, 0);
	}
	if (strcmp(op, "io_uring_setup") == 0) {
		char params[120] = { 0 };

		return syscall(__NR_io_uring_setup, 1, params);
	}
	if (strcmp(op, "unshare") == 0)
		return unshare(CLONE_NEWUSER);
	if (strcmp(op, "setns") == 0)
		return setns(0, CLONE_NEWNET);
	if (strcmp(op, "clone_newuser") == 0)
		return child_exits(syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0));
	if (strcmp(op, "clone3") == 0) {
		uint64_t args[8] = { 0 };

		args[4] = SIGCHLD; /* exit_signal */
		return child_exits(syscall(__NR_clone3, args, sizeof args));
	}
	if (strcmp(op, "mount") == 0)
		return mount("none", "/nonexistent-corral-probe", "tmpfs", 0, NULL);
	/* The caller's terminal on fd 0: each change attempted, and its state as the probe sees it. */
	if (strncmp(op, "tty_", 4) == 0) {
		struct winsize ws = { .ws_row = 33, .ws_col = 77 };
		struct termios t;
		int excl = 0;

		if (strcmp(op, "tty_state") == 0) {
			if (ioctl(0, TIOCGWINSZ, &ws) < 0 || ioctl(0, TIOCGEXCL, &excl) < 0 ||
			    tcgetattr(0, &t) < 0)
				return -1;
			printf("%s excl=%d size=%dx%d echo=%d\n", op, excl, ws.ws_col, ws.ws_row,
			       !!(t.c_lflag & ECHO));
			return -2;
		}
		if (strcmp(op, "tty_excl") == 0)
			return ioctl(0, TIOCEXCL);
		if (strcmp(op, "tty_resize") == 0)
			return ioctl(0, TIOCSWINSZ, &ws);
		if (strcmp(op, "tty_flush") == 0)
			return tcflush(0, TCIFLUSH);
		if (strcmp(op, "tty_stop") == 0) /* stops the terminal's output, then starts it again */
			return tcflow(0, TCOOFF) < 0 ? -1 : tcflow(0, TCOON);
		if (strcmp(op, "tty_noecho") == 0) {
			if (tcgetattr(0, &t) < 0)
				return -1;
			t.c_lflag &= ~(tcflag_t)ECHO;
			return tcsetattr(0, TCSANOW, &t);
		}
	}
	if (strcmp(op, "tiocsti") == 0)
		return ioctl(0, TIOCSTI, &c);
	if (strcmp(op, "tiocsti_high_bits") == 0)
		return syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, &c);
	if (strcmp(op, "tioclinux") == 0)
		return ioctl(0, TIOCLINUX, &c);
	if (strcmp(op, "netlink") == 0)
		return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (strcmp(op, "inet") == 0)
		return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strcmp(op, "personality") == 0) {
		r = personality(READ_IMPLIES_EXEC);
		personality(PER_LINUX);
		return r;
	}
	if (strcmp(op, "personality_query") == 0)
		return personality(0xffffffff);
	if (strcmp(op, "bpf") == 0)
		return syscall(__NR_bpf, 0, NULL, 0);
	if (strcmp(op, "perf_event_open") == 0)
		return syscall(__NR_perf_event_open, NULL, 0, -1, -1, 0);
	if (strcmp(op, "userfaultfd") == 0)
		return syscall(__NR_userfaultfd, O_CLOEXEC);
	if (strcmp(op, "keyctl") == 0)
		return syscall(__NR_keyctl, 0 /* GET_KEYRING_ID */, -3 /* session */, 0);
	if (strcmp(op, "x32") == 0)
		return syscall(__X32_SYSCALL_BIT | __NR_getpid);
	if (strcmp(op, "kill_init") == 0)
		return kill(1, 0);
	if (strcmp(op, "kill_child") == 0) { /* one of the sandbox's own processes */
		pid_t pid = victim();

		r = kill(pid, SIGTERM);
		reap(pid);
		return r;
	}
	if (strcmp(op, "raise_in_child") == 0)
		IN_CHILD((signal(SIGUSR1, SIG_IGN), raise(SIGUSR1)));
	if (strcmp(op, "setsid_in_child") == 0)
		IN_CHILD(setsid());
	if (strncmp(op, "kill:", 5) == 0)
		return kill(atoi(op + 5), 0);
	if (strncmp(op, "prlimit:", 8) == 0) {
		struct rlimit old;

		return prlimit(atoi(op + 8), RLIMIT_NOFILE, NULL, &old);
	}
	/* The kernel surface Docker's default profile refuses: each on the probe itself, harmless. */
	if (strcmp(op, "modify_ldt") == 0) {
		char ldt[16];

		return syscall(SYS_modify_ldt, 0, ldt, sizeof ldt); /* read */
	}
	if (strcmp(op, "name_to_handle_at") == 0) {
		struct { unsigned bytes; int type; char handle[128]; } h = { .bytes = 128 };
		int mount_id;

		return syscall(SYS_name_to_handle_at, AT_FDCWD, "/", &h, &mount_id, 0);
	}
	if (strcmp(op, "kcmp") == 0)
		return syscall(SYS_kcmp, getpid(), getpid(), 0 /* KCMP_FILE */, 1, 1);
	if (strcmp(op, "pidfd_getfd") == 0 || strcmp(op, "process_madvise") == 0) {
		int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
		struct iovec none = { buf, 0 };

		if (pidfd < 0)
			return -1;
		r = op[6] == 'g' ? syscall(SYS_pidfd_getfd, pidfd, 1, 0)
				 : syscall(SYS_process_madvise, pidfd, &none, 1, 20 /* MADV_COLD */, 0);
		close(pidfd);
		return r;
	}
	if (strcmp(op, "mbind") == 0)
		return syscall(SYS_mbind, (uintptr_t)buf & ~(uintptr_t)4095, 0, 0 /* MPOL_DEFAULT */, NULL, 0, 0);
	if (strcmp(op, "set_mempolicy") == 0)
		return syscall(SYS_set_mempolicy, 0 /* MPOL_DEFAULT */, NULL, 0);
	if (strcmp(op, "migrate_pages") == 0) {
		unsigned long nodes = 1;

		return syscall(SYS_migrate_pages, 0, 8 * sizeof nodes, &nodes, &nodes);
	}
	if (strcmp(op, "move_pages") == 0)
		return syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, 0);
	/* TCP without Landlock seeing it: listen() binds a port by itself, accept() takes what came
	 * in, and TCP Fast Open connects from sendto(). */
	if (strcmp(op, "listen") == 0 || strcmp(op, "accept") == 0) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		r = fd < 0 ? -1 : op[0] == 'l' ? listen(fd, 1) : accept(fd, NULL, NULL);
		if (fd >= 0)
			close(fd);
		return r;
	}
	if (strncmp(op, "tfo:", 4) == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(atoi(op + 4)),
					  .sin_addr = { htonl(INADDR_LOOPBACK) } };
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		r = fd < 0 ? -1 : sendto(fd, "x", 1, MSG_FASTOPEN, (struct sockaddr *)&to, sizeof to);
		if (fd >= 0)
			close(fd);
		return r;
	}
	/* Programs started some other way than the command itself: PATH[,ARG] (a loader and the
	 * program it should load), a copy of a file, a #! script, a memfd. */
	if (strncmp(op, "exec:", 5) == 0) {
		char path[512], *arg;

		snprintf(path, sizeof path, "%s", op + 5);
		if ((arg = strchr(path, ',')))
			*arg++ = '\0';
		r = run_program(-1, path, arg);
		if (r > 0)
			printf("%s exit %ld\n", op, r);
		return r > 0 ? -2 : r;
	}
	if (strncmp(op, "copy:", 5) == 0 || strncmp(op, "memfd_exec:", 11) == 0) {
		char from[512], *to;
		int in, out;

		snprintf(from, sizeof from, "%s", strchr(op, ':') + 1);
		if ((to = strchr(from, ',')))
			*to++ = '\0';
		in = open(from, O_RDONLY | O_CLOEXEC);
		out = op[0] == 'm' ? memfd_create("probe", MFD_CLOEXEC)
				   : to ? open(to, O_WRONLY | O_CREAT | O_CLOEXEC, 0755) : -1;
		while (in >= 0 && out >= 0 && (r = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)r) != r)
				return -1;
		if (in < 0 || out < 0)
			return -1;
		close(in);
		r = op[0] == 'm' ? run_program(out, "", NULL) : 0;
		close(out);
		return r;
	}
	if (strncmp(op, "script:", 7) == 0) { /* a #! script, written where the command may write */
		int fd = open(op + 7, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);

		return fd < 0 || write(fd, "#!/bin/sh\nexit 0\n", 18) != 18 ? -1 : close(fd);
	}
	if (strcmp(op, "udp") == 0)
		return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (strcmp(op, "mptcp") == 0)
		return socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 262 /* IPPROTO_MPTCP */);
	if (strcmp(op, "unix") == 0)
		return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strcmp(op, "socketpair") == 0 || strcmp(op, "socketpair_inet") == 0) {
		int sv[2];

		return socketpair(op[10] ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	}
	if (strcmp(op, "shmget") == 0) {
		r = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
		if (r >= 0)
			shmctl((int)r, IPC_RMID, NULL);
		return r;
	}
	if (strncmp(op, "chmod:", 6) == 0)
		return chmod(op + 6, 0640);
	if (strncmp(op, "fchmod:", 7) == 0) {
		int fd = open(op + 7, O_RDONLY | O_CLOEXEC);

		return fd < 0 ? -1 : fchmod(fd, 0640);
	}
	if (strncmp(op, "fd:", 3) == 0) {
		int fd = atoi(op + 3);

		r = read(fd, buf, sizeof buf - 1);
		if (r >= 0)
			printf("%s ok %.*s\n", op, (int)r, buf);
		return r < 0 ? -1 : -2;
	}
	if (strcmp(op, "fill_fds") == 0) {
		int n = 0;

		while (open("/dev/null", O_RDONLY) >= 0)
			n++;
		printf("%s %d %s\n", op, n, strerrorname_np(errno));
		return -2;
	}
	errno = EINVAL;
	return -1;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		long r;

		errno = 0;
		r = attempt(argv[i]);
		if (r == -1)
			printf("%s %s\n", argv[i], strerrorname_np(errno));
		else if (r != -2)
			printf("%s ok\n", argv[i]);
		fflush(stdout);
	}
	return 0;
}
