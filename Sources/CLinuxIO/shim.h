#ifndef FLOE_CLINUXIO_SHIM_H
#define FLOE_CLINUXIO_SHIM_H

/* Linux calls that Swift's Glibc module does not import (they need _GNU_SOURCE, or they
   are variadic and so cannot be called from Swift). */

#if defined(__linux__) && defined(__LP64__)
#include <sys/prctl.h>

/* Declared here, not through <fcntl.h>, so that the module does not depend on how the
   system headers were configured; the signature is glibc's on 64-bit Linux. */
extern int sync_file_range(int fd, long offset, long nbytes, unsigned int flags);

/* Starts writeback of bytes offset..<offset+length of fd without waiting for it
   (SYNC_FILE_RANGE_WRITE). Returns 0, or -1 with errno set. */
static inline int floe_start_writeback(int fd, long offset, long length) {
    return sync_file_range(fd, offset, length, 2 /* SYNC_FILE_RANGE_WRITE */);
}

#include <spawn.h>

/* glibc >= 2.34; declared in <spawn.h> only with _GNU_SOURCE. */
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

/* Adds "close every descriptor from `from` up" to a posix_spawn's file actions, so the
   child inherits only what the actions set up. Returns 0 or an error number. */
static inline int floe_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

extern int syncfs(int fd);

/* Writes back every dirty page of the filesystem holding `fd` and waits for it (syncfs):
   one call makes many freshly written files durable. Returns 0, or -1 with errno set. */
static inline int floe_sync_file_system(int fd) {
    return syncfs(fd);
}

/* Asks the kernel to send `signal` to this process when its parent dies
   (prctl(PR_SET_PDEATHSIG), which is variadic). Returns 0, or -1 with errno set. */
static inline int floe_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0UL, 0UL, 0UL);
}
#else
#include <unistd.h>

static inline int floe_start_writeback(int fd, long offset, long length) {
    (void)fd; (void)offset; (void)length;
    return 0;
}

static inline int floe_set_parent_death_signal(int signal) {
    (void)signal;
    return 0;
}

static inline int floe_sync_file_system(int fd) {
    (void)fd;
    sync();
    return 0;
}
#endif

#endif
