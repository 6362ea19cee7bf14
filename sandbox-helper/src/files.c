/* Small file helpers: symlink-free opens, one-write files (/proc maps), small text reads. */
#include "sandbox.h"

#include <linux/openat2.h>

int open_nofollow(int dirfd, const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned)(flags | O_CLOEXEC),
				.resolve = RESOLVE_NO_SYMLINKS };

	return (int)syscall(__NR_openat2, dirfd, path, &how, sizeof how);
}

void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		die_errno("write %s", path);
	close(fd);
}

int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n < 0 ? -1 : 0;
}
