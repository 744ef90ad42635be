/*
 * A stand-in for Windows' bcryptprimitives.dll, for running Tally's Windows
 * program and tests under Wine 8.0, which lacks it.
 *
 * Go's runtime (since Go 1.22) takes its random numbers from ProcessPrng in
 * bcryptprimitives.dll, as Windows 10 and later provide it, and stops at
 * start when the DLL is missing. This DLL exports ProcessPrng and fills the
 * buffer from RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 * It is built by scripts/wine.sh with mingw-w64 and placed in the Wine
 * prefix's system32; WINEDLLOVERRIDES=bcryptprimitives=n makes Wine load it.
 * Never shipped: real Windows has its own.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* ProcessPrng fills data with size cryptographically random bytes and
 * returns TRUE, as Windows' own does (it cannot fail there). */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
