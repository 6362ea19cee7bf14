/* The messages of the sandbox's processes: C2 → P0 (ready, with the seccomp listener; exec
 * failed), C1 → P0 (the command's status), and C1 → the caller (the proxy's listening socket).
 * One message per SOCK_SEQPACKET record, at most one descriptor riding along (SCM_RIGHTS). */
#include <sys/socket.h>

#include "sandbox.h"

union control {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

int sync_send(int fd, char kind, int value, int pass_fd)
{
	struct sync_msg msg;
	union control ctl;
	struct iovec iov = { &msg, sizeof msg };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	memset(&msg, 0, sizeof msg); /* no stray bytes of ours in the padding */
	msg.kind = kind;
	msg.value = value;
	if (pass_fd >= 0) {
		memset(&ctl, 0, sizeof ctl);
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof ctl.buf;
		c = CMSG_FIRSTHDR(&mh);
		*c = (struct cmsghdr){ .cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = SOL_SOCKET,
				       .cmsg_type = SCM_RIGHTS };
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	return sendmsg(fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof msg ? 0 : -1;
}

ssize_t sync_recv(int fd, struct sync_msg *msg, int *pass_fd)
{
	union control ctl;
	struct iovec iov = { msg, sizeof *msg };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof ctl.buf };
	ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;

	*pass_fd = -1;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(pass_fd, CMSG_DATA(c), sizeof(int));
	return n;
}
