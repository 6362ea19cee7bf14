/* Small file helpers (files.c). */
#ifndef CORRAL_FILES_H
#define CORRAL_FILES_H

#include <stddef.h>

/* openat2(RESOLVE_NO_SYMLINKS) with O_CLOEXEC added: a symlink anywhere in path gives ELOOP. */
int open_nofollow(int dirfd, const char *path, int flags);
/* Writes text to an existing file in one write(2), as /proc/self/uid_map requires. */
void write_file(const char *path, const char *text);
/* Reads a small text file (a /proc entry) into buf, NUL-terminated; -1 when it cannot. */
int read_text(const char *path, char *buf, size_t size);

#endif
