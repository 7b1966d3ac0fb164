#ifndef FLOE_CZLIB_SHIM_H
#define FLOE_CZLIB_SHIM_H
#include <zlib.h>

/* zlib's inflateInit2/deflateInit2 are macros that Swift cannot import; these
   static-inline shims call the underlying functions with the right version/size. */
static inline int floe_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2_(strm, windowBits, ZLIB_VERSION, (int)sizeof(z_stream));
}
static inline int floe_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel) {
    return deflateInit2_(strm, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY,
                         ZLIB_VERSION, (int)sizeof(z_stream));
}
#endif
