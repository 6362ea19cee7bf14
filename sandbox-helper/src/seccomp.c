/* The seccomp filter: static BPF tables, architecture check first, a reason per deny group,
 * default allow (Landlock and the namespaces do the confining; this removes kernel surface, and
 * in mode reduced closes what the namespaces would have closed). */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/ioprio.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include "sandbox.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000 /* <asm/unistd.h>, which musl's <sys/syscall.h> skips */
#endif
#if defined(__x86_64__)
#define ARCH_NATIVE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#error "the seccomp filter knows x86_64 and aarch64 only"
#endif

/* Newer than the build's kernel headers (Linux 6.1); from 424 on, numbers are the same on every
 * architecture. */
#define __NR_fchmodat2 452
#define __NR_setxattrat 463
#define __NR_removexattrat 466
#define __NR_open_tree_attr 467
#define MFD_NOEXEC_SEAL 0x0008U /* <linux/memfd.h> of Linux 6.3 */
#define SOCK_TYPE_MASK 0xf   /* socket()'s type without SOCK_NONBLOCK and SOCK_CLOEXEC */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#define ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#endif

#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define LOAD_NR LOAD(offsetof(struct seccomp_data, nr))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define JSET(k, t, f) BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (f))
#define AND(k) BPF_STMT(BPF_ALU | BPF_AND | BPF_K, (k))
/* The supervisor answers (EPERM, or EAFNOSUPPORT for socket families) and logs
 * `deny syscall NAME`; in mode reduced it lets a few calls on the sandbox's own processes go on
 * (seccomp_allowed()). */
#define DENY RET(SECCOMP_RET_USER_NOTIF)
#define ALLOW RET(SECCOMP_RET_ALLOW)

#define SC_DENY(name) JEQ(__NR_##name, 0, 1), DENY,
/* Argument checks compare the low 32 bits: the kernel truncates these int arguments too, so
 * garbage in the high half cannot slip past (CVE-2019-10063, TIOCSTI in flatpak). */
#define SC_ALLOW_IF_2(name, arg, a, b) \
	JEQ(__NR_##name, 0, 5), LOAD(ARG_LO(arg)), JEQ(a, 2, 0), JEQ(b, 1, 0), DENY, ALLOW,
#define SC_ALLOW_IF_3(name, arg, a, b, c)                                               \
	JEQ(__NR_##name, 0, 6), LOAD(ARG_LO(arg)), JEQ(a, 3, 0), JEQ(b, 2, 0), JEQ(c, 1, 0), \
		DENY, ALLOW,
#define SC_DENY_IF_2(name, arg, a, b) \
	JEQ(__NR_##name, 0, 5), LOAD(ARG_LO(arg)), JEQ(a, 2, 0), JEQ(b, 1, 0), ALLOW, DENY,
#define SC_DENY_IF_BITS(name, arg, mask) \
	JEQ(__NR_##name, 0, 4), LOAD(ARG_LO(arg)), JSET(mask, 0, 1), DENY, ALLOW,
/* The same as SC_DENY_IF_2, but a call that passes goes on to the later rules (A reloaded). */
#define SC_DENY_IF_2_NEXT(name, arg, a, b) \
	JEQ(__NR_##name, 0, 5), LOAD(ARG_LO(arg)), JEQ(a, 1, 0), JEQ(b, 0, 1), DENY, LOAD_NR,
/* The same for flag bits: a call with none of mask set goes on to the later rules. */
#define SC_DENY_IF_BITS_NEXT(name, arg, mask) \
	JEQ(__NR_##name, 0, 4), LOAD(ARG_LO(arg)), JSET(mask, 0, 1), DENY, LOAD_NR,
/* ... and a call with any of mask set goes on; one with none of it is refused. */
#define SC_DENY_UNLESS_BITS_NEXT(name, arg, mask) \
	JEQ(__NR_##name, 0, 4), LOAD(ARG_LO(arg)), JSET(mask, 1, 0), DENY, LOAD_NR,
/* A pid of 0 means the caller itself (kill: its own process group, the sandbox). */
#define SC_ALLOW_IF_0(name) JEQ(__NR_##name, 0, 4), LOAD(ARG_LO(0)), JEQ(0, 0, 1), ALLOW, DENY,
/* setpriority and ioprio_set (which, who): allowed on the caller itself (who 0). */
#define SC_ALLOW_IF_SELF(name, which)                                                        \
	JEQ(__NR_##name, 0, 6), LOAD(ARG_LO(0)), JEQ(which, 0, 3), LOAD(ARG_LO(1)), JEQ(0, 0, 1), \
		ALLOW, DENY,

/* Refused in both modes, one reason a line; most of it Docker's default profile refuses too.
 * The mount table and the namespaces are the sandbox's shape: only the helper may arrange them. */
#define DENY_ALWAYS(X)                                                                          \
	X(ptrace) X(process_vm_readv) X(process_vm_writev) /* another process's memory */         \
	X(kcmp) X(pidfd_getfd) X(process_madvise)          /* its descriptors and pages */        \
	X(mount) X(umount2) X(pivot_root) X(move_mount)    /* the sandbox's shape */              \
	X(open_tree) X(open_tree_attr) X(fsopen) X(fsmount) X(fspick) X(mount_setattr) /* same */ \
	X(unshare) X(setns) /* a user namespace hands back every capability; setns leaves ours */ \
	X(bpf) X(perf_event_open) X(userfaultfd) /* large surfaces with a record of exploits */   \
	X(io_uring_setup) X(io_uring_enter) X(io_uring_register) /* the same, and blind to us */  \
	X(keyctl) X(add_key) X(request_key) /* the keyring is the whole user's, in no namespace */ \
	X(mbind) X(set_mempolicy) X(migrate_pages) X(move_pages) /* NUMA placement, others' too */ \
	X(name_to_handle_at) X(open_by_handle_at) /* file handles skip the path walk (Shocker) */ \
	X(kexec_load) X(kexec_file_load) X(reboot) X(swapon) X(swapoff) X(acct) /* host admin */  \
	X(init_module) X(finit_module) X(delete_module) X(quotactl) X(quotactl_fd) /* the same */ \
	X(memfd_secret) /* memory no limit counts and nothing may swap out */                     \
	DENY_LDT(X)
#ifdef __x86_64__
#define DENY_LDT(X) X(modify_ldt) /* 16-bit segments: old kernel exploits (CVE-2015-5157) */
#else
#define DENY_LDT(X)
#endif

/* Mode reduced, which has no namespace behind Landlock. */
/* The supervisor ends the sandbox by killing its process group: nothing may leave it. */
#define DENY_GROUP(X) X(setsid) X(setpgid)
/* No inbound TCP: no port is ever granted to bind, but listen() binds one by itself, unseen by
 * Landlock (up to ABI 7), and accept() would take what came in, on every address of the host. */
#define DENY_INBOUND(X) X(listen) X(accept) X(accept4)
/* TCP Fast Open connects from sendto() and sendmsg(), where Landlock does not look
 * (landlock-lsm#41). */
#define DENY_FASTOPEN(X) X(sendto, 3) X(sendmsg, 2) X(sendmmsg, 3)
#define SC_DENY_FASTOPEN(name, arg) SC_DENY_IF_BITS_NEXT(name, arg, MSG_FASTOPEN)
#define NAME_2(name, arg) NAME(name)
/* Without an IPC namespace, System V IPC and POSIX message queues are the whole host's. */
#define DENY_IPC(X)                                                                          \
	X(shmget) X(shmat) X(shmdt) X(shmctl) X(msgget) X(msgsnd) X(msgrcv) X(msgctl) X(semget) \
	X(semop) X(semtimedop) X(semctl) X(mq_open) X(mq_unlink) X(mq_timedsend)            \
	X(mq_timedreceive) X(mq_notify) X(mq_getsetattr)
/* Landlock does not cover a file's mode, owner, times or extended attributes: by path, these
 * would reach every file of the user (chmod 0644 ~/.ssh/id_rsa). On an open descriptor they stay
 * allowed: opening it took a Landlock right. */
#ifdef __x86_64__
#define DENY_META_OLD(X) X(chmod) X(chown) X(lchown) X(utime) X(utimes) X(futimesat)
#else
#define DENY_META_OLD(X)
#endif
#define DENY_META(X)                                                                     \
	DENY_META_OLD(X) X(fchmodat) X(fchmodat2) X(fchownat) X(setxattr) X(lsetxattr)  \
	X(removexattr) X(lremovexattr) X(setxattrat) X(removexattrat)
/* Calls on another process by pid that Landlock does not scope (it does scope ptrace and
 * everything checked like it: process_vm_*, kcmp, pidfd_getfd, move_pages...); with
 * setpriority and ioprio_set below. A pid other than 0 goes to the supervisor, which allows only
 * the sandbox's own processes (seccomp_allowed()). */
#define DECIDE_PROCESS(X) \
	X(prlimit64) X(sched_setaffinity) X(sched_setscheduler) X(sched_setparam) X(sched_setattr)
/* The same for signals, when Landlock is older than ABI 6 and does not scope them. */
#define DECIDE_SIGNAL(X) X(kill) X(tkill) X(tgkill) X(rt_sigqueueinfo) X(rt_tgsigqueueinfo) X(pidfd_open)

/* The filter is four static segments, joined in this order when installed; each rule returns or
 * leaves the syscall number in A for the next. */
static const struct sock_filter head[] = {
	/* Numbers mean nothing without the ABI; a foreign one (i386 via int 0x80) is killed. */
	LOAD(offsetof(struct seccomp_data, arch)),
	JEQ(ARCH_NATIVE, 1, 0),
	RET(SECCOMP_RET_KILL_PROCESS),
	LOAD_NR,
#ifdef __x86_64__
	/* x32 reaches the same entry points under other numbers: a second door to all below. */
	JSET(__X32_SYSCALL_BIT, 0, 1),
	DENY,
#endif
	/* clone3 keeps its flags in memory BPF cannot read; on ENOSYS libc falls back to clone. */
	JEQ(__NR_clone3, 0, 1),
	RET(SECCOMP_RET_ERRNO | ENOSYS),
};

/* Mode reduced: what the namespaces would have closed. */
static const struct sock_filter reduced[] = {
	/* TCP over IPv4 and IPv6 only: Landlock's port rules cover TCP and nothing else (UDP, raw,
	 * SCTP, MPTCP). No unix socket: no Landlock ABI covers connecting to a named one (the session
	 * bus, X11), and before ABI 6 not to an abstract one. socketpair() stays. */
	JEQ(__NR_socket, 0, 11),
	LOAD(ARG_LO(0)),
	JEQ(AF_INET, 1, 0),
	JEQ(AF_INET6, 0, 7),
	LOAD(ARG_LO(1)),
	AND(SOCK_TYPE_MASK),
	JEQ(SOCK_STREAM, 0, 4),
	LOAD(ARG_LO(2)),
	JEQ(0, 1, 0),
	JEQ(IPPROTO_TCP, 0, 1),
	ALLOW,
	DENY,
	/* futimens() is utimensat() without a path: on an open descriptor, like fchmod(). */
	JEQ(__NR_utimensat, 0, 6),
	LOAD(ARG_LO(1)),
	JEQ(0, 0, 3),
	LOAD(ARG_HI(1)),
	JEQ(0, 0, 1),
	ALLOW,
	DENY,
	DECIDE_PROCESS(SC_ALLOW_IF_0)
	SC_ALLOW_IF_SELF(setpriority, PRIO_PROCESS)
	SC_ALLOW_IF_SELF(ioprio_set, IOPRIO_WHO_PROCESS)
	DENY_FASTOPEN(SC_DENY_FASTOPEN)
	DENY_GROUP(SC_DENY) DENY_INBOUND(SC_DENY) DENY_IPC(SC_DENY) DENY_META(SC_DENY)
};

/* Mode reduced with Landlock ABI < 6: signals, including SIGIO to an owner set by fcntl/ioctl. */
static const struct sock_filter reduced_signals[] = {
	DECIDE_SIGNAL(SC_ALLOW_IF_0)
	SC_DENY_IF_2_NEXT(fcntl, 1, F_SETOWN, F_SETOWN_EX)
	SC_DENY_IF_2_NEXT(ioctl, 1, FIOSETOWN, SIOCSPGRP)
};

/* What the command could do to the terminal it inherits from the caller (the tty's ioctls that
 * change something; reads stay): take it for itself (TIOCEXCL: then nothing of the user's can
 * open /dev/tty), resize, flush or stop it, change its modes, line discipline or modem lines,
 * send a break, hang it up. Refused unless the caller relays stdio through a pty of its own
 * (`terminal pty`). The numbers are asm-generic's, the same on x86_64 and aarch64. */
#define TTY_CHANGES(X)                                                                          \
	X(0x5402) X(0x5403) X(0x5404) X(0x5406) X(0x5407) X(0x5408) /* TCSETS*, TCSETA*: modes */ \
	X(0x402c542b) X(0x402c542c) X(0x402c542d) X(0x5457)         /* TCSETS*2, TIOCSLCKTRMIOS */ \
	X(0x5409) X(0x5425) X(0x5427) X(0x5428) /* TCSBRK, TCSBRKP, TIOCSBRK, TIOCCBRK: a break */ \
	X(0x540a) X(0x540b) /* TCXONC, TCFLSH: stop output, flush input */                        \
	X(0x540c) X(0x540d) X(0x540e) X(0x5410) X(0x5422) /* TIOC{EXCL,NXCL,SCTTY,SPGRP,NOTTY} */ \
	X(0x5414) X(0x5423) X(0x541d) X(0x5437) /* TIOCSWINSZ, TIOCSETD, TIOCCONS, TIOCVHANGUP */  \
	X(0x5416) X(0x5417) X(0x5418) X(0x541a) /* TIOCMBIS, TIOCMBIC, TIOCMSET, TIOCSSOFTCAR */    \
	X(0x541f) X(0x542f) X(0x5453) X(0x545b) /* serial port set-up */
#define SC_DENY_VALUE(v) JEQ(v, 0, 1), DENY,
#define COUNT(v) +1
static const struct sock_filter caller_tty[] = {
	JEQ(__NR_ioctl, 0, 2 * (0 TTY_CHANGES(COUNT)) + 2), LOAD(ARG_LO(1)),
	TTY_CHANGES(SC_DENY_VALUE) LOAD_NR,
};

/* No memory cgroup counts what the sandbox pins: memory the rlimits do not count is refused.
 * memfds and anonymous shared mappings are shmem on the kernel's internal mount, which no size
 * cap reaches; System V shared memory and message queues are bounded only by the IPC namespace's
 * sysctls, which only a uid 0 mapped inside may set (the caller is mapped to itself). The tmpfs
 * caps the rest (mounts.c). */
static const struct sock_filter uncounted[] = {
	SC_DENY(memfd_create) SC_DENY(shmget) SC_DENY(msgget)
	JEQ(__NR_mmap, 0, 5), LOAD(ARG_LO(3)), AND(MAP_SHARED | MAP_ANONYMOUS),
	JEQ(MAP_SHARED | MAP_ANONYMOUS, 0, 1), DENY, LOAD_NR,
};

/* `spawn no`: the command is one program. Its own execve is the first one the supervisor is asked
 * about, and the only one it lets go on; every later one, and every execveat, is refused. So the
 * loader run as a program (ld.so FILE), a memfd, a written file or a #! script cannot start. */
static const struct sock_filter one_program[] = { SC_DENY(execve) SC_DENY(execveat) };

static const struct sock_filter common[] = {
	/* The argument checks first: the kernel's per-syscall cache cannot skip these (their answer
	 * depends on arguments), and ioctl in particular is frequent. */
	/* Typing into, or driving, the caller's terminal. */
	SC_DENY_IF_2(ioctl, 1, TIOCSTI, TIOCLINUX)
	/* A memfd is code nobody can see on disk, and Landlock does not check the execution of one
	 * (it lives on an internal mount): only memfds sealed against execution, MFD_NOEXEC_SEAL
	 * (Linux 6.3). vm.memfd_noexec would do it by default, but only the host's root may set it. */
	SC_DENY_UNLESS_BITS_NEXT(memfd_create, 1, MFD_NOEXEC_SEAL)
	/* MPTCP carries plain TCP too, and Landlock's TCP rules do not see it (landlock-lsm#54). */
	SC_DENY_IF_2_NEXT(socket, 2, IPPROTO_MPTCP, IPPROTO_MPTCP)
	/* Netlink, packet, vsock...: big, rarely audited families; extensions need these three.
	 * socketpair() reaches the same families (and their module autoloading): unix only. */
	SC_ALLOW_IF_3(socket, 0, AF_UNIX, AF_INET, AF_INET6)
	SC_ALLOW_IF_2(socketpair, 0, AF_UNIX, AF_UNIX)
	/* The clone flavour of unshare. */
	SC_DENY_IF_BITS(clone, 0, SANDBOX_NAMESPACES)
	/* Other personas revive old quirks (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE): only PER_LINUX
	 * and the 0xffffffff query. */
	SC_ALLOW_IF_2(personality, 0, 0, 0xffffffffU)
	DENY_ALWAYS(SC_DENY)
	ALLOW,
};

#define NAME(n) { __NR_##n, #n },
static const struct {
	int nr;
	const char *name;
} names[] = {
	DENY_ALWAYS(NAME) DENY_GROUP(NAME) DENY_INBOUND(NAME) DENY_FASTOPEN(NAME_2) DENY_IPC(NAME) DENY_META(NAME) DECIDE_PROCESS(NAME)
	DECIDE_SIGNAL(NAME) NAME(personality) NAME(ioctl) NAME(socket) NAME(socketpair) NAME(clone)
	NAME(utimensat) NAME(setpriority) NAME(ioprio_set) NAME(fcntl) NAME(execve) NAME(execveat)
	NAME(memfd_create) NAME(mmap)
};

const char *seccomp_denied_name(int nr)
{
#ifdef __x86_64__
	if (nr & __X32_SYSCALL_BIT)
		return "x32";
#endif
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return "unknown";
}

int seccomp_denied_errno(const struct seccomp_data *d)
{
	int family = (int)d->args[0];
	int refused_family = family != AF_INET && family != AF_INET6; /* or else type or protocol */

	return (d->nr == __NR_socket && refused_family) || d->nr == __NR_socketpair ? EAFNOSUPPORT
										       : EPERM;
}

/* Whether `pid` is one of the sandbox's processes: all of them, and only they, are in its
 * process group (the filter refuses setsid and setpgid). */
static int in_group(int pid, pid_t group)
{
	char path[32], stat[512], *comm_end;
	int pgrp = 0;

	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (pid <= 0 || read_text(path, stat, sizeof stat) < 0)
		return 0;
	/* "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses. */
	comm_end = strrchr(stat, ')');
	return comm_end && sscanf(comm_end + 1, " %*c %*d %d", &pgrp) == 1 && pgrp == group;
}

int seccomp_allowed(const struct seccomp_data *d, pid_t group)
{
#define CASE(n) case __NR_##n:
	int target = (int)d->args[0];

	if (d->nr == __NR_kill && target < -1) /* a process group: the sandbox's own one only */
		return -target == group;
	switch (d->nr) {
	case __NR_setpriority: /* a single process, never a group or all of the user's */
		if (target != PRIO_PROCESS)
			return 0;
		target = (int)d->args[1];
		break;
	case __NR_ioprio_set:
		if (target != IOPRIO_WHO_PROCESS)
			return 0;
		target = (int)d->args[1];
		break;
	DECIDE_PROCESS(CASE) DECIDE_SIGNAL(CASE)
		break;
	default:
		return 0;
	}
	return target == 0 || in_group(target, group);
#undef CASE
}

int seccomp_install(const struct policy *p, int abi)
{
	struct sock_filter prog[ARRAY_LEN(head) + ARRAY_LEN(reduced) + ARRAY_LEN(reduced_signals) +
				ARRAY_LEN(uncounted) + ARRAY_LEN(one_program) + ARRAY_LEN(caller_tty) +
				ARRAY_LEN(common)];
	struct sock_fprog fprog = { 0, prog };
	int fd;

#define APPEND(segment) \
	(memcpy(prog + fprog.len, segment, sizeof segment), fprog.len += ARRAY_LEN(segment))
	APPEND(head);
	if (p->mode == MODE_REDUCED)
		APPEND(reduced);
	if (p->mode == MODE_REDUCED && abi < 6)
		APPEND(reduced_signals);
	if (!p->cgroup_version)
		APPEND(uncounted);
	if (!p->spawn)
		APPEND(one_program);
	if (!p->terminal_pty)
		APPEND(caller_tty);
	APPEND(common);
#undef APPEND
	/* The listener goes to the supervisor; until it arrives a denied call would block, so
	 * nothing between here and execve() may be one (sendmsg, close and execve are allowed). */
	fd = (int)syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  &fprog);
	if (fd < 0)
		die("seccomp filter with a user-notification listener: %s; hint: " HINT_SECCOMP,
		    strerror(errno));
	return fd;
}
