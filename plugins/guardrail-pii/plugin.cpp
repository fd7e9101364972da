// guardrail-pii's entry point: the guardrail vtable generated from PiiGuard.
#include <llmgw/plugin.hpp>

#include "pii_guard.hpp"

namespace {
constexpr llmgw_guardrail_vtable kVtable = llmgw::GuardrailHooks<llmgw::pii::PiiGuard>::vtable();
constexpr llmgw_plugin kPlugin = llmgw::guardrail_descriptor(
    "guardrail-pii", "0.1.0", "PII and secret detection with Hyperscan: redact, mask, block or log", &kVtable);
}  // namespace

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &kPlugin; }
