// The gateway's model table (aliases → pools of deployments with their provider instances) and
// the execution of one call against it.
#pragma once

#include <llmgw/plugin.h>

#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include <optional>

#include "frontends/api_error.hpp"
#include "observe/access_log.hpp"
#include "pipeline/reply.hpp"
#include "plugins/registry.hpp"
#include "routing/deployment_state.hpp"
#include "upstream/connection_pool.hpp"

namespace llmgw::pipeline {

struct Deployment {
  config::Deployment cfg;
  std::unique_ptr<plugins::ProviderInstance> provider;
  /// Health and live statistics, shared by all request threads (lock-free).
  routing::DeploymentState state;
};

using Pool = std::vector<Deployment*>;

/// Transparent hash so lookups by string_view allocate nothing.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// What a front-end hands the pipeline for one call.
struct CallInput {
  llmgw_dialect dialect = LLMGW_DIALECT_OPENAI_CHAT;
  llmgw_operation operation = LLMGW_OP_CHAT;
  std::string_view body;                         // the client's bytes
  std::string_view model;                        // the alias the client asked for
  std::size_t model_begin = 0, model_end = 0;    // byte span of the model JSON string in body
  bool stream = false;
  /// For clients whose dialect is not canonical: writes the canonical (OpenAI chat) request for
  /// `upstream_model` into `out`, or returns the 400 to answer. Used when the provider does not
  /// speak the client's dialect natively.
  std::optional<frontends::ApiError> (*to_canonical)(const void* ctx, std::string_view body,
                                                     std::string_view upstream_model, std::string& out) = nullptr;
  const void* to_canonical_ctx = nullptr;
  const std::vector<llmgw_header>* client_headers = nullptr;
  Poco::Net::StreamSocket* client_socket = nullptr;     // watched for disconnects mid-stream
};

/// What happened, for the access log and (later) spend tracking.
struct CallOutcome {
  int status = 0;
  const Deployment* deployment = nullptr;
  llmgw_usage usage{};
  bool passthrough = false;
  int attempts = 1;  // deployments tried

  /// Copies what the access log reports into `record`.
  void fill(observe::AccessRecord& record) const {
    record.status = status;
    if (deployment) record.deployment = deployment->cfg.id;
    record.usage = usage;
    record.passthrough = passthrough;
    record.attempts = attempts;
  }
};

class Gateway {
 public:
  /// Creates one provider instance per deployment. Throws plugins::PluginError.
  Gateway(const config::Config& config, const plugins::Registry& registry);

  /// The pool serving `alias` (model_group_alias applied), or null.
  const Pool* pool(std::string_view alias) const;
  /// Every deployment, in config order (for the shared-state sync and metrics).
  const std::vector<std::unique_ptr<Deployment>>& deployments() const { return deployments_; }
  /// Client-visible model names, in config order.
  const std::vector<std::string>& aliases() const { return aliases_; }

  /// Runs the call on a deployment of `pool` and answers through `reply`. A retryable failure
  /// (connect error, timeout, 408/409/429/5xx/529) before the first byte reached the client
  /// moves the call to the next deployment of the pool, then to the pools of the alias's
  /// fallbacks in order; the answer names the deployment that answered (x-llmgw-deployment)
  /// and the attempts made (x-llmgw-attempts).
  CallOutcome execute(const CallInput& input, const Pool& pool, Reply& reply);

 private:
  /// The deployments a call for `alias` may try, in order: the picked one, the rest of its
  /// pool, then each fallback alias's pool the same way; each deployment once.
  /// Deployments cooling down are skipped; `retry_in_ms` is when the first of them returns
  /// (-1 when none was skipped); `candidates` counts every deployment considered.
  void attempt_order(std::string_view alias, const Pool& pool, std::vector<Deployment*>& order,
                     int64_t& retry_in_ms, std::size_t& candidates);
  /// Records how an attempt on `d` ended: a retryable failure counts towards a cooldown (a
  /// Retry-After cools for at least that long) when another deployment can stand in for it;
  /// a success clears the count.
  void record_attempt(Deployment& d, bool failed, int64_t retry_after_ms, bool has_alternatives);
  /// One attempt on one deployment.
  CallOutcome execute_once(const CallInput& input, Deployment& d, Reply& reply);
  Deployment& pick(const Pool& pool);

  std::vector<std::unique_ptr<Deployment>> deployments_;
  std::unordered_map<std::string, Pool, StringHash, std::equal_to<>> pools_;
  std::map<std::string, std::string, std::less<>> group_alias_;
  std::map<std::string, std::vector<const Pool*>, std::less<>> fallbacks_;  // alias → pools in order
  std::vector<std::string> aliases_;
  upstream::ConnectionPool connections_;
  std::atomic<uint64_t> pick_counter_{0};
  int allowed_fails_ = 3;
  int64_t cooldown_ms_ = 5000;
};

}  // namespace llmgw::pipeline
