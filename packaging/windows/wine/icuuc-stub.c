/* TEST-ONLY, never shipped: an icuuc.dll for Wine 8.0, which has none (Windows 10 and later ship
 * it in System32). Qt6Core imports these converter functions; every ucnv_open here fails, so Qt
 * falls back to its built-in codecs. test-under-wine.sh puts it in the Wine prefix's system32,
 * never beside PySide6 (PyInstaller would bundle it), and checks the bundle has no icuuc.dll.
 *   x86_64-w64-mingw32-gcc -shared -O2 -o icuuc.dll icuuc-stub.c */
typedef int UErrorCode;
#define U_FAILURE_CODE 2 /* U_MISSING_RESOURCE_ERROR */
#define UNUSED_EXPORT(name) __declspec(dllexport) long long name(void) { return 0; }

__declspec(dllexport) void *ucnv_open(const char *name, UErrorCode *error) {
  (void)name;
  if (error) *error = U_FAILURE_CODE;
  return 0;
}
UNUSED_EXPORT(ucnv_close)
UNUSED_EXPORT(ucnv_reset)
UNUSED_EXPORT(ucnv_getName)
UNUSED_EXPORT(ucnv_getStandardName)
UNUSED_EXPORT(ucnv_getMaxCharSize)
UNUSED_EXPORT(ucnv_getAvailableName)
UNUSED_EXPORT(ucnv_countAvailable)
UNUSED_EXPORT(ucnv_toUnicode)
UNUSED_EXPORT(ucnv_fromUnicode)
UNUSED_EXPORT(ucnv_toUCountPending)
UNUSED_EXPORT(ucnv_fromUCountPending)
UNUSED_EXPORT(ucnv_getToUCallBack)
UNUSED_EXPORT(ucnv_setToUCallBack)
UNUSED_EXPORT(ucnv_getFromUCallBack)
UNUSED_EXPORT(ucnv_setFromUCallBack)
UNUSED_EXPORT(ucnv_cbToUWriteUChars)
UNUSED_EXPORT(ucnv_cbFromUWriteUChars)
UNUSED_EXPORT(UCNV_TO_U_CALLBACK_SUBSTITUTE)
UNUSED_EXPORT(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
