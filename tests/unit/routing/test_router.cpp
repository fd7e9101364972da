// Router plugins for the core Router's tests. TEST_ROUTER_fails: strategy "always-fails" returns
// LLMGW_ERROR and "out-of-range" an index past the end (the core must pick by weight);
// TEST_ROUTER_clash: claims "least-busy", which router-builtin already implements;
// TEST_ROUTER_nameless: strategy_names holds no name (the loader refuses it).
#include <llmgw/plugin.h>

namespace {

#if defined(TEST_ROUTER_fails)
constexpr const char* kName = "router-test-fails";
constexpr const char* kStrategies = "always-fails out-of-range";
#elif defined(TEST_ROUTER_clash)
constexpr const char* kName = "router-test-clash";
constexpr const char* kStrategies = "least-busy";
#else
constexpr const char* kName = "router-test-nameless";
constexpr const char* kStrategies = "  ";
#endif

struct Instance {
  bool out_of_range;
};

llmgw_status create(const llmgw_host*, llmgw_str config, void** instance, const llmgw_writer*) {
  // {"strategy":"out-of-range",...}: the config names the strategy near its start.
  const char needle[] = "out-of-range";
  bool found = false;
  for (size_t i = 0; i + sizeof needle - 1 <= config.len && !found; ++i) {
    size_t k = 0;
    while (k < sizeof needle - 1 && config.ptr[i + k] == needle[k]) ++k;
    found = k == sizeof needle - 1;
  }
  *instance = new Instance{found};
  return LLMGW_OK;
}

void destroy(void* instance) { delete static_cast<Instance*>(instance); }

llmgw_status pick(void* instance, const llmgw_pick_request* request, size_t* chosen) {
  if (!static_cast<Instance*>(instance)->out_of_range) return LLMGW_ERROR;
  *chosen = request->count;
  return LLMGW_OK;
}

const llmgw_router_vtable kVtable = {sizeof(llmgw_router_vtable), kStrategies, create, destroy, pick};
const llmgw_plugin kPlugin = {LLMGW_ABI_MAJOR, LLMGW_ABI_MINOR, sizeof(llmgw_plugin), LLMGW_BUILD_SIGNATURE,
                              LLMGW_KIND_ROUTER, kName, "0.0.1", "core Router test double", &kVtable};

}  // namespace

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &kPlugin; }
