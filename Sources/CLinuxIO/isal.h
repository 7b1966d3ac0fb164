#ifndef FLOE_CLINUXIO_ISAL_H
#define FLOE_CLINUXIO_ISAL_H

/* The part of ISA-L's inflate ABI (libisal.so.2, igzip_lib.h of isa-l 2.x) that floe uses
   when it finds the library at run time (dlopen). floe is built without ISA-L's headers or
   library: this file declares the state structure's layout as the library was compiled
   with it, and the types of the three functions looked up with dlsym. FlowIO checks the
   loaded library with a known stream before using it (`IsalInflate.load`), so a library
   whose layout differs is not used; scripts/check-isal-abi.sh compares this layout with the
   installed header where there is one. */

#include <stdint.h>

/* Table sizes: the library's decode tables for a 12-bit (literal/length) and a 10-bit
   (distance) first-level lookup, each long table rounded up to 16 entries. */
#define FLOE_ISAL_LONG_LOOKUP_BITS 12
#define FLOE_ISAL_SHORT_LOOKUP_BITS 10
#define FLOE_ISAL_LIT_LEN_SYMBOLS (257 + 29)
#define FLOE_ISAL_DIST_SYMBOLS 30
#define FLOE_ISAL_ROUND16(n) ((n) + (-(n) & 0xf))
#define FLOE_ISAL_SPARE(rem) (((1 << (rem)) - ((rem) + 1)) + ((1 << (rem)) - (1 << ((rem) / 2)) - (1 << (((rem) + 1) / 2)) + 1))
#define FLOE_ISAL_LARGE_LONG FLOE_ISAL_ROUND16(FLOE_ISAL_LIT_LEN_SYMBOLS + FLOE_ISAL_SPARE(21 - FLOE_ISAL_LONG_LOOKUP_BITS))
#define FLOE_ISAL_SMALL_LONG FLOE_ISAL_ROUND16(FLOE_ISAL_DIST_SYMBOLS + FLOE_ISAL_SPARE(15 - FLOE_ISAL_SHORT_LOOKUP_BITS))
#define FLOE_ISAL_MAX_HEADER 328
#define FLOE_ISAL_HISTORY (32 * 1024)
#define FLOE_ISAL_LOOK_AHEAD ((258 + 31) & ~31)

/* crc_flag: no wrapper is parsed, the gzip CRC-32 of the output is kept in `crc`. */
#define FLOE_ISAL_GZIP_NO_HDR 2
/* block_state once the final block has been decoded and written out. */
#define FLOE_ISAL_BLOCK_FINISH 5
/* isal_inflate results: 0 ok (input or output used up), 1 end of input, 2 output full;
   negative: invalid block, symbol, lookback distance, … */
#define FLOE_ISAL_DECOMP_OK 0
#define FLOE_ISAL_END_INPUT 1
#define FLOE_ISAL_OUT_OVERFLOW 2

struct floe_isal_inflate_state {
    uint8_t *next_out;
    uint32_t avail_out;
    uint32_t total_out;
    uint8_t *next_in;
    uint64_t read_in;
    uint32_t avail_in;
    int32_t read_in_length;
    struct {
        uint32_t short_code_lookup[1 << FLOE_ISAL_LONG_LOOKUP_BITS];
        uint16_t long_code_lookup[FLOE_ISAL_LARGE_LONG];
    } lit_huff_code;
    struct {
        uint16_t short_code_lookup[1 << FLOE_ISAL_SHORT_LOOKUP_BITS];
        uint16_t long_code_lookup[FLOE_ISAL_SMALL_LONG];
    } dist_huff_code;
    int32_t block_state; /* an enum in the library */
    uint32_t dict_length;
    uint32_t bfinal;
    uint32_t crc_flag;
    uint32_t crc;
    uint32_t hist_bits;
    uint32_t count; /* a union of block length, byte count and dictionary id */
    int32_t write_overflow_lits;
    int32_t write_overflow_len;
    int32_t copy_overflow_length;
    int32_t copy_overflow_distance;
    int16_t wrapper_flag;
    int16_t tmp_in_size;
    int32_t tmp_out_valid;
    int32_t tmp_out_processed;
    uint8_t tmp_in_buffer[FLOE_ISAL_MAX_HEADER];
    uint8_t tmp_out_buffer[2 * FLOE_ISAL_HISTORY + FLOE_ISAL_LOOK_AHEAD];
};

/* isal_inflate_init / isal_inflate_reset, and isal_inflate. */
typedef void (*floe_isal_state_fn)(struct floe_isal_inflate_state *state);
typedef int (*floe_isal_inflate_fn)(struct floe_isal_inflate_state *state);

/* Bytes floe allocates for one state: its own size plus slack, so a library whose
   structure grew a little at the end cannot write past the allocation (the check with a
   known stream then decides whether it is used). */
static inline unsigned long floe_isal_state_allocation(void) {
    return (unsigned long)sizeof(struct floe_isal_inflate_state) + 4096;
}

#endif
