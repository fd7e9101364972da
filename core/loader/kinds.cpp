#include "loader/kinds.hpp"

namespace llmgw::loader {
namespace {

template <class Vtable>
const Vtable* as(const void* vtable) {
  return static_cast<const Vtable*>(vtable);
}

template <class Vtable>
KindInfo::Create create_of(const void* vt) {
  return as<Vtable>(vt)->create;
}

template <class Vtable>
KindInfo::Destroy destroy_of(const void* vt) {
  return as<Vtable>(vt)->destroy;
}

const KindInfo kKinds[] = {
    {LLMGW_KIND_PROVIDER, "provider", true, "provider name", "is already served by plugin",
     [](const void* vt) { return as<llmgw_provider_vtable>(vt)->provider_names; },
     &create_of<llmgw_provider_vtable>, &destroy_of<llmgw_provider_vtable>},
    {LLMGW_KIND_ROUTER, "router", true, "routing strategy", "is already implemented by plugin",
     [](const void* vt) { return as<llmgw_router_vtable>(vt)->strategy_names; },
     &create_of<llmgw_router_vtable>, &destroy_of<llmgw_router_vtable>},
    {LLMGW_KIND_GUARDRAIL, "guardrail", true, nullptr, nullptr, nullptr,
     &create_of<llmgw_guardrail_vtable>, &destroy_of<llmgw_guardrail_vtable>},
    {LLMGW_KIND_SINK, "sink", true, nullptr, nullptr, nullptr,
     &create_of<llmgw_sink_vtable>, &destroy_of<llmgw_sink_vtable>},
};

}  // namespace

const KindInfo* find_kind(int kind) {
  for (const KindInfo& k : kKinds)
    if (k.kind == kind) return &k;
  return nullptr;
}

}  // namespace llmgw::loader
