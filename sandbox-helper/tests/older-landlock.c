/* Test builds only (the Makefile's build/landlock-abi-N): the helper as on a kernel whose Landlock
 * ABI is at most LANDLOCK_ABI_CAP (0: no Landlock), so each ABI step, and the refusal of one too
 * old, runs on a current kernel. Linked with --wrap=landlock_abi: the production helper holds no
 * such switch. The lowered ABI is reported like a real one (--check, the `layers` line). */
#include <errno.h>

int __real_landlock_abi(void);
int __wrap_landlock_abi(void);

int __wrap_landlock_abi(void)
{
	int abi = __real_landlock_abi();

	if (abi <= LANDLOCK_ABI_CAP)
		return abi;
	return LANDLOCK_ABI_CAP == 0 ? -EOPNOTSUPP : LANDLOCK_ABI_CAP;
}
