// The process's allocator: gperftools' tcmalloc where the build linked it (core/CMakeLists.txt),
// else glibc's; tuned once at start, before any thread runs.
#pragma once

namespace llmgw::util {

/// Tunes whichever allocator serves malloc and returns its name ("tcmalloc" or "system").
/// - tcmalloc: free spans go back to the system at once (aggressive decommit). Otherwise a large
///   answer's buffer (hundreds of MB, up to the response cap) stays resident after it is freed.
///   Small objects still live in tcmalloc's per-thread caches, so the request path pays nothing.
/// - glibc: buffers of 256 KB and more come from mmap and go back when freed, and up to 32 MB of
///   free heap top is kept, not trimmed and faulted in again by the next burst.
const char* tune_allocator();

}  // namespace llmgw::util
