#!/usr/bin/env bash
# Compares floe's declaration of ISA-L's inflate state (Sources/CLinuxIO/isal.h) with the
# installed igzip_lib.h: every field floe touches at the same offset, the same size, the
# same constants. Needs a C compiler and ISA-L's headers (Debian: libisal-dev); exits 0
# with a note when the headers are not installed (floe then never loads ISA-L's header
# layout anyway: at run time the library must also decode a known stream before use).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
header=/usr/include/isa-l/igzip_lib.h
if [ ! -f "$header" ]; then
  echo "ISA-L headers not installed ($header): nothing to compare"
  exit 0
fi
cc=$(command -v cc || command -v clang || command -v gcc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/check.c" <<'C'
#include <stddef.h>
#include <stdio.h>
#include <isa-l/igzip_lib.h>
#include "isal.h"
#define SAME(f) \
    if (offsetof(struct inflate_state, f) != offsetof(struct floe_isal_inflate_state, f)) { \
        printf("field %s: ISA-L at %zu, floe at %zu\n", #f, offsetof(struct inflate_state, f), \
               offsetof(struct floe_isal_inflate_state, f)); \
        bad = 1; \
    }
int main(void) {
    int bad = 0;
    SAME(next_out) SAME(avail_out) SAME(total_out) SAME(next_in) SAME(read_in) SAME(avail_in)
    SAME(read_in_length) SAME(block_state) SAME(crc_flag) SAME(crc) SAME(hist_bits) SAME(tmp_out_buffer)
    if (sizeof(struct inflate_state) != sizeof(struct floe_isal_inflate_state)) {
        printf("size: ISA-L %zu, floe %zu\n", sizeof(struct inflate_state), sizeof(struct floe_isal_inflate_state));
        bad = 1;
    }
    if (ISAL_GZIP_NO_HDR != FLOE_ISAL_GZIP_NO_HDR || ISAL_BLOCK_FINISH != FLOE_ISAL_BLOCK_FINISH) {
        printf("constants differ\n");
        bad = 1;
    }
    printf(bad ? "isal.h does NOT match %s\n" : "isal.h matches %s (state of %zu bytes)\n", "igzip_lib.h",
           sizeof(struct inflate_state));
    return bad;
}
C
"$cc" -I"$root/Sources/CLinuxIO" "$work/check.c" -o "$work/check"
"$work/check"
