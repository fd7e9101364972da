// The model table: every deployment with its provider instance, the pools aliases name
// (model_group_alias applied), and the fallback chains. Built once at start from the config;
// read-only (and lock-free) afterwards.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include "loader/registry.hpp"
#include "routing/deployment_state.hpp"

namespace llmgw::pipeline {

struct Deployment {
  config::Deployment cfg;
  std::unique_ptr<loader::ProviderInstance> provider;
  /// Health and live statistics, shared by all event loops (lock-free).
  routing::DeploymentState state;
};
using Pool = std::vector<Deployment*>;

/// Transparent hash so lookups by string_view allocate nothing.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class ModelTable {
 public:
  /// Which configured chain: fallbacks, context_window_fallbacks, content_policy_fallbacks.
  enum class Chain { Fallbacks, ContextWindow, ContentPolicy };

  /// Creates one provider instance per deployment. A deployment no loaded plugin serves is
  /// skipped with a warning, or refused (loader::PluginError) under server.strict_config.
  ModelTable(const config::Config& config, const loader::Registry& registry);

  /// The pool serving `alias` (model_group_alias applied), or null.
  const Pool* pool(std::string_view alias) const;
  /// The configured chain of `kind` for `alias`, or null.
  const std::vector<std::string>* chain(Chain kind, std::string_view alias) const;
  /// Every deployment, in config order (for the shared-state sync and metrics).
  const std::vector<std::unique_ptr<Deployment>>& deployments() const { return deployments_; }
  /// Deployments left out because no loaded plugin serves their provider ("file:line: why").
  const std::vector<std::string>& skipped() const { return skipped_; }
  /// Client-visible model names, in config order.
  const std::vector<std::string>& aliases() const { return aliases_; }

 private:
  using Chains = std::map<std::string, std::vector<std::string>, std::less<>>;

  std::vector<std::unique_ptr<Deployment>> deployments_;
  std::unordered_map<std::string, Pool, StringHash, std::equal_to<>> pools_;
  std::map<std::string, std::string, std::less<>> group_alias_;
  Chains fallbacks_;                 // alias → fallback aliases, in order
  Chains context_window_fallbacks_;
  Chains content_policy_fallbacks_;
  std::vector<std::string> aliases_;
  std::vector<std::string> skipped_;
};

}  // namespace llmgw::pipeline
