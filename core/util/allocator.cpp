#include "util/allocator.hpp"

#include <dlfcn.h>
#include <malloc.h>

#include <cstddef>

namespace llmgw::util {

const char* tune_allocator() {
  // gperftools' C API, looked up rather than linked: the same binary runs with glibc's malloc
  // (-DLLMGW_ALLOCATOR=system, or a sanitizer build).
  using SetNumeric = int (*)(const char*, std::size_t);
  if (auto set = reinterpret_cast<SetNumeric>(::dlsym(RTLD_DEFAULT, "MallocExtension_SetNumericProperty"))) {
    set("tcmalloc.aggressive_memory_decommit", 1);
    return "tcmalloc";
  }
  // A fixed mmap threshold turns off glibc's growing one, which would keep large buffers in the
  // heap. It also freezes the trim threshold at 128 KB: a free that left more than that at the
  // top of a loop thread's heap gave it back (madvise), and the next allocations faulted the
  // pages in again (a burst of 8,000 streams made ~1,600 such trims), so 32 MB is kept instead.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_TRIM_THRESHOLD, 32 * 1024 * 1024);
  return "system";
}

}  // namespace llmgw::util
