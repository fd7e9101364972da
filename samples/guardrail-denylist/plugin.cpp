// guardrail-denylist's entry point: the guardrail vtable generated from DenylistGuard by
// llmgw::GuardrailHooks (llmgw/plugin.hpp), which keeps exceptions from crossing the ABI.
#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include "denylist_guard.hpp"

namespace {
constexpr llmgw_guardrail_vtable kVtable = llmgw::GuardrailHooks<denylist::DenylistGuard>::vtable();
constexpr llmgw_plugin kPlugin = llmgw::guardrail_descriptor(
    "guardrail-denylist", "1.0.0", "Blocks or redacts listed terms and over-long prompts (sample plugin)", &kVtable);
}  // namespace

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &kPlugin; }
