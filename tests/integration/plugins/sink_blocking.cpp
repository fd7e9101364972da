// A sink whose emit never returns (it sleeps forever): the integration test sinks.test.mjs
// proves that requests are unaffected and that the full queue drops and counts events.
#include <llmgw/plugin.h>

#include <chrono>
#include <thread>

namespace {

llmgw_status create(const llmgw_host*, llmgw_str, void** instance, const llmgw_writer*) {
  *instance = nullptr;
  return LLMGW_OK;
}

void destroy(void*) {}

llmgw_status emit(void*, const llmgw_sink_event*) {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
}

const llmgw_sink_vtable kVtable = {sizeof(llmgw_sink_vtable), create, destroy, emit, nullptr};
const llmgw_plugin kPlugin = {LLMGW_ABI_MAJOR, LLMGW_ABI_MINOR, sizeof(llmgw_plugin), LLMGW_BUILD_SIGNATURE,
                              LLMGW_KIND_SINK, "sink-test-blocking", "0.0.1", "blocks forever in emit", &kVtable};

}  // namespace

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &kPlugin; }
