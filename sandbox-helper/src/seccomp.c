/* The seccomp filter: a static BPF table, architecture check first, a reason per deny group,
 * default allow (Landlock and the namespaces do the confining; this removes kernel surface). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox.h"
#include "util.h"

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

/* Numbers from 424 on are shared by every architecture; older headers may lack them. */
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_quotactl_fd
#define __NR_quotactl_fd 443
#endif
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#else
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i) + 4)
#endif

#define LOAD(off) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define RET(v) BPF_STMT(BPF_RET | BPF_K, (v))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define JSET(k, t, f) BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, (k), (t), (f))
/* The supervisor answers (EPERM, or EAFNOSUPPORT for sockets) and logs `deny syscall NAME`. */
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

/* Debugging a process reads and writes its memory: a same-uid way around every other layer. */
#define DENY_TRACE(X) X(ptrace) X(process_vm_readv) X(process_vm_writev)
/* The mount table is the sandbox's shape; only the helper may arrange it. */
#define DENY_MOUNT(X)                                                                   \
	X(mount) X(umount2) X(pivot_root) X(move_mount) X(open_tree) X(open_tree_attr) \
	X(fsopen) X(fsmount) X(fspick) X(mount_setattr)
/* A new user namespace hands back every capability, and with it most of the kernel's
 * unprivileged-exploit surface; joining one would leave ours. */
#define DENY_NAMESPACE(X) X(unshare) X(setns)
/* Rich kernel interfaces with a long record of privilege escalations, unused by extensions. */
#define DENY_SURFACE(X)                                                                  \
	X(bpf) X(perf_event_open) X(userfaultfd) X(io_uring_setup) X(io_uring_enter) \
	X(io_uring_register)
/* The kernel keyring is shared by all of the user's processes, outside any namespace. */
#define DENY_KEYRING(X) X(keyctl) X(add_key) X(request_key)
/* Host administration (capabilities stop these too; two locks on the same door). */
#define DENY_ADMIN(X)                                                                        \
	X(kexec_load) X(kexec_file_load) X(init_module) X(finit_module) X(delete_module) \
	X(reboot) X(swapon) X(swapoff) X(acct) X(quotactl) X(quotactl_fd) X(open_by_handle_at)

#define CLONE_NS_FLAGS                                                                        \
	(CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | \
	 CLONE_NEWCGROUP)

static const struct sock_filter filter[] = {
	/* Numbers mean nothing without the ABI; a foreign one (i386 via int 0x80) is killed. */
	LOAD(offsetof(struct seccomp_data, arch)),
	JEQ(ARCH_NATIVE, 1, 0),
	RET(SECCOMP_RET_KILL_PROCESS),
	LOAD(offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
	/* x32 reaches the same entry points under other numbers: a second door to all below. */
	JSET(__X32_SYSCALL_BIT, 0, 1),
	DENY,
#endif
	/* clone3 keeps its flags in memory BPF cannot read; on ENOSYS libc falls back to clone. */
	JEQ(__NR_clone3, 0, 1),
	RET(SECCOMP_RET_ERRNO | ENOSYS),
	/* The argument checks first: the kernel's per-syscall cache cannot skip these (their answer
	 * depends on arguments), and ioctl in particular is frequent. */
	/* Typing into, or driving, the caller's terminal. */
	SC_DENY_IF_2(ioctl, 1, TIOCSTI, TIOCLINUX)
	/* Netlink, packet, vsock...: big, rarely audited families; extensions need these three. */
	SC_ALLOW_IF_3(socket, 0, AF_UNIX, AF_INET, AF_INET6)
	/* The clone flavour of unshare. */
	SC_DENY_IF_BITS(clone, 0, CLONE_NS_FLAGS)
	/* Other personas revive old quirks (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE): only PER_LINUX
	 * and the 0xffffffff query. */
	SC_ALLOW_IF_2(personality, 0, 0, 0xffffffffU)
	DENY_TRACE(SC_DENY) DENY_MOUNT(SC_DENY) DENY_NAMESPACE(SC_DENY) DENY_SURFACE(SC_DENY)
	DENY_KEYRING(SC_DENY) DENY_ADMIN(SC_DENY)
	ALLOW,
};

#define NAME(n) { __NR_##n, #n },
static const struct {
	int nr;
	const char *name;
} denied[] = {
	DENY_TRACE(NAME) DENY_MOUNT(NAME) DENY_NAMESPACE(NAME) DENY_SURFACE(NAME) DENY_KEYRING(NAME)
	DENY_ADMIN(NAME) NAME(personality) NAME(ioctl) NAME(socket) NAME(clone)
};

const char *seccomp_denied_name(int nr)
{
#ifdef __x86_64__
	if (nr & __X32_SYSCALL_BIT)
		return "x32";
#endif
	for (size_t i = 0; i < ARRAY_LEN(denied); i++)
		if (denied[i].nr == nr)
			return denied[i].name;
	return "unknown";
}

int seccomp_denied_errno(int nr)
{
	return nr == __NR_socket ? EAFNOSUPPORT : EPERM;
}

int seccomp_install(void)
{
	struct sock_fprog prog = { ARRAY_LEN(filter), (struct sock_filter *)filter };
	/* The listener goes to the supervisor; until it arrives a denied call would block, so
	 * nothing between here and execve() may be one (sendmsg, close and execve are allowed). */
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);

	if (fd < 0)
		die("seccomp filter with a user-notification listener: %s; hint: " HINT_SECCOMP,
		    strerror(errno));
	return fd;
}
