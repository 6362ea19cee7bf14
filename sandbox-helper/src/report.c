/* What the caller is told: status lines on --status-fd (non-blocking, never a hang), and the
 * one-line fatal error (stderr, an `error` status line, exit 125). */
#include "sandbox.h"

#include <poll.h>
#include <stdarg.h>

#define LINE_BYTES 512        /* one status or error line; policy paths are what makes them long */
#define PARTIAL_WAIT_MS 1000  /* a line begun is finished within this, or the fd is given up */

static int status = -1;

void status_init(int fd)
{
	int fl;

	if (fd < 0)
		return;
	if ((fl = fcntl(fd, F_GETFL)) < 0)
		die_errno("--status-fd %d", fd);
	/* Non-blocking: a reader that stops reading costs us lines (counted), never a hang. */
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		die_errno("--status-fd %d", fd);
	status = fd;
}

int status_line(int wait_ms, const char *fmt, ...)
{
	char line[LINE_BYTES];
	size_t len, done = 0;
	va_list ap;
	int n;

	if (status < 0)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	len = (size_t)n < sizeof line - 2 ? (size_t)n : sizeof line - 2;
	line[len++] = '\n';
	while (done < len) {
		ssize_t w = write(status, line + done, len - done);
		struct pollfd pfd = { .fd = status, .events = POLLOUT };
		int wait = done > 0 ? PARTIAL_WAIT_MS : wait_ms;

		if (w > 0) {
			done += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if ((w < 0 && errno != EAGAIN) || wait == 0 || poll(&pfd, 1, wait) <= 0) {
			if (done > 0 || (w < 0 && errno != EAGAIN))
				status = -1; /* half a line or a dead reader: stop, don't garble */
			return -1;
		}
	}
	return 0;
}

__attribute__((format(printf, 2, 0))) static _Noreturn void vdie(int err, const char *fmt, va_list ap)
{
	char msg[LINE_BYTES], line[LINE_BYTES + 32];
	int n;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (err)
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg), ": %s", strerror(err));
	n = snprintf(line, sizeof line, "corral-sandbox: %s\n", msg);
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* stderr is gone too: the status line and exit code still say it */
	}
	status_line(100, "error %s", msg);
	_exit(EXIT_SETUP);
}

_Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(0, fmt, ap);
}

_Noreturn void die_errno(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vdie(saved, fmt, ap);
}
