#ifndef FLOE_CLINUXIO_SHIM_H
#define FLOE_CLINUXIO_SHIM_H

/* Linux calls that Swift's Glibc module does not import (they need _GNU_SOURCE). */

#if defined(__linux__) && defined(__LP64__)
/* Declared here, not through <fcntl.h>, so that the module does not depend on how the
   system headers were configured; the signature is glibc's on 64-bit Linux. */
extern int sync_file_range(int fd, long offset, long nbytes, unsigned int flags);

/* Starts writeback of bytes offset..<offset+length of fd without waiting for it
   (SYNC_FILE_RANGE_WRITE). Returns 0, or -1 with errno set. */
static inline int floe_start_writeback(int fd, long offset, long length) {
    return sync_file_range(fd, offset, length, 2 /* SYNC_FILE_RANGE_WRITE */);
}
#else
static inline int floe_start_writeback(int fd, long offset, long length) {
    (void)fd; (void)offset; (void)length;
    return 0;
}
#endif

#endif
