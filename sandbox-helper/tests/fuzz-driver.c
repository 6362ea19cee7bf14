/* A standalone driver for tests/fuzz-policy.c where clang's libFuzzer is missing (gcc, with
 * AddressSanitizer and UBSan): `fuzz-policy -max_total_time=SECONDS -seed=N CORPUS_DIR`. It
 * mutates the corpus the way AFL's havoc stage does (flips, inserts, deletes, splices of lines
 * and extreme numbers) for the given time, deterministically for a seed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEEDS 64
#define INPUT_MAX 8192

static char seeds[MAX_SEEDS][INPUT_MAX];
static size_t seed_len[MAX_SEEDS], n_seeds;
static uint64_t state = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void) /* xorshift64 */
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

static void mutate(char *buf, size_t *len)
{
	static const char *const tokens[] = { "\n", " ", "/", "..", "0", "18446744073709551616",
					      "-1", "end\n", "mode reduced\n", "limit ", "keep-fd 5\n",
					      "proxy-listen 3128 6\n", "tmpfs /tmp\n", "\0" };
	size_t at = *len ? next() % *len : 0;

	switch (next() % 5) {
	case 0: /* flip a bit */
		if (*len)
			buf[at] ^= (char)(1 << (next() % 8));
		break;
	case 1: /* delete a run */
		if (*len) {
			size_t n = 1 + next() % (*len - at);
			memmove(buf + at, buf + at + n, *len - at - n);
			*len -= n;
		}
		break;
	case 2: { /* insert a token */
		const char *t = tokens[next() % (sizeof tokens / sizeof tokens[0])];
		size_t n = t[0] ? strlen(t) : 1;

		if (*len + n < INPUT_MAX) {
			memmove(buf + at + n, buf + at, *len - at);
			memcpy(buf + at, t, n);
			*len += n;
		}
		break;
	}
	case 3: { /* splice in a piece of another seed */
		size_t s = next() % n_seeds, from = seed_len[s] ? next() % seed_len[s] : 0;
		size_t n = seed_len[s] ? 1 + next() % (seed_len[s] - from) : 0;

		if (*len + n < INPUT_MAX) {
			memmove(buf + at + n, buf + at, *len - at);
			memcpy(buf + at, seeds[s] + from, n);
			*len += n;
		}
		break;
	}
	default: /* duplicate a line */
		if (*len && *len * 2 < INPUT_MAX) {
			size_t start = at, end = at;

			while (start > 0 && buf[start - 1] != '\n')
				start--;
			while (end < *len && buf[end] != '\n')
				end++;
			end += end < *len;
			memmove(buf + end + (end - start), buf + end, *len - end);
			memcpy(buf + end, buf + start, end - start);
			*len += end - start;
		}
	}
}

int main(int argc, char **argv)
{
	long seconds = 10, runs = 0;
	const char *dir = NULL;
	char buf[INPUT_MAX];
	time_t stop;
	DIR *d;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "-max_total_time=", 16) == 0)
			seconds = atol(argv[i] + 16);
		else if (strncmp(argv[i], "-seed=", 6) == 0)
			state ^= strtoull(argv[i] + 6, NULL, 10) * 0x2545f4914f6cdd1dULL;
		else
			dir = argv[i];
	}
	if (!dir || !(d = opendir(dir))) {
		fprintf(stderr, "usage: fuzz-policy [-max_total_time=S] [-seed=N] CORPUS_DIR\n");
		return 2;
	}
	for (struct dirent *e; (e = readdir(d)) && n_seeds < MAX_SEEDS;) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || !(f = fopen(path, "rb")))
			continue;
		seed_len[n_seeds] = fread(seeds[n_seeds], 1, INPUT_MAX - 1, f);
		fclose(f);
		LLVMFuzzerTestOneInput((uint8_t *)seeds[n_seeds], seed_len[n_seeds]);
		n_seeds++;
	}
	closedir(d);
	if (n_seeds == 0)
		return 2;
	for (stop = time(NULL) + seconds; time(NULL) < stop;) {
		for (int i = 0; i < 1000; i++, runs++) {
			size_t s = next() % n_seeds, len = seed_len[s];
			int rounds = 1 + (int)(next() % 8);

			memcpy(buf, seeds[s], len);
			while (rounds--)
				mutate(buf, &len);
			LLVMFuzzerTestOneInput((uint8_t *)buf, len);
		}
	}
	printf("Done %ld runs in %ld second(s)\n", runs, seconds);
	return 0;
}
