// Builds the guardrail chain from the config: one instance per `guardrails:` entry, created from
// its plugin's plugins.load `config:`, in file order. Throws loader::PluginError (a guardrail
// naming no loaded guardrail plugin, or a create that fails).
#pragma once

#include <memory>

#include "config/config.hpp"
#include "guard/guard_chain.hpp"
#include "loader/registry.hpp"

namespace llmgw::guard {

/// Null when the config has no guardrails.
std::unique_ptr<GuardChain> build_guard_chain(const config::Config& cfg, loader::Registry& registry);

}  // namespace llmgw::guard
