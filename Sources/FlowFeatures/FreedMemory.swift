#if canImport(Glibc)
/// glibc's `int malloc_trim(size_t pad)` (malloc.h, not in Swift's Glibc module).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// Hands memory the process has freed back to the system. glibc keeps freed blocks below
/// its (adaptive, up to 32 MiB) mmap threshold in its heap, touched pages and all, so after
/// the growing columns of a flow table or a day's transient hash sets are freed they still
/// count in the resident set and add to the next phase's peak. `floe-train` and
/// `floe-score` call this between phases (after reading the flows, after each model kind);
/// `malloc_trim` releases every free page of every arena. A no-op off glibc.
package enum FreedMemory {
    package static func release() {
        #if canImport(Glibc)
        _ = glibcMallocTrim(0)
        #endif
    }
}
