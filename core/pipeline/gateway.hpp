// The gateway's model table (aliases → pools of deployments with their provider instances) and
// the execution of one call against it.
#pragma once

#include <llmgw/plugin.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.hpp"
#include <optional>

#include "canonical/api_error.hpp"
#include "observe/access_log.hpp"
#include "pipeline/call_context.hpp"
#include "pipeline/credential_exchange.hpp"
#include "pipeline/model_table.hpp"
#include "pipeline/reply.hpp"
#include "pipeline/upstream_client.hpp"
#include "loader/registry.hpp"
#include "routing/deployment_state.hpp"
#include "routing/health.hpp"
#include "routing/router.hpp"

namespace llmgw::pipeline {

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
  std::optional<canonical::ApiError> (*to_canonical)(const void* ctx, std::string_view body,
                                                     std::string_view upstream_model, std::string& out) = nullptr;
  const void* to_canonical_ctx = nullptr;
  const std::vector<llmgw_header>* client_headers = nullptr;
  /// The client, watched while the call runs (a client that leaves ends it). May be null.
  ClientWatch* client = nullptr;
  /// The call's buffers and lists (required).
  CallContext* context = nullptr;
  /// Fallback aliases the client asked for (body "fallbacks" / "models", header
  /// x-llmgw-fallbacks), in order; when set they replace the configured `fallbacks` chain.
  const std::vector<std::string>* fallbacks = nullptr;
};

/// What happened, for the access log and (later) spend tracking.
struct CallOutcome {
  int status = 0;
  const Deployment* deployment = nullptr;
  llmgw_usage usage{};
  bool passthrough = false;
  int attempts = 1;  // deployments tried
  bool upstream_accepted = false;   // the upstream answered 2xx: never sent again
  bool broke_after_commit = false;  // failed after the client got its first byte
  int64_t ttft_us = -1;             // attempt start to the upstream's response headers

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
  /// Builds the model table (one provider instance per deployment) and the routing strategy.
  /// Throws loader::PluginError.
  Gateway(const config::Config& config, const loader::Registry& registry);

  const ModelTable& models() const { return models_; }
  /// The pool serving `alias` (model_group_alias applied), or null.
  const Pool* pool(std::string_view alias) const { return models_.pool(alias); }
  /// Every deployment, in config order (for the shared-state sync and metrics).
  const std::vector<std::unique_ptr<Deployment>>& deployments() const { return models_.deployments(); }
  /// Deployments left out because no loaded plugin serves their provider ("file:line: why").
  const std::vector<std::string>& skipped() const { return models_.skipped(); }
  /// Client-visible model names, in config order.
  const std::vector<std::string>& aliases() const { return models_.aliases(); }

  /// Runs the call and answers through `reply`. A pick among the healthy deployments of
  /// `pool` first; a retryable failure (connect error, timeout, 408/409/429/5xx/529) before the
  /// first byte reached the client moves the call to another deployment of the pool at once,
  /// and once each was tried, tries again after a jittered exponential backoff that honours
  /// the upstream's Retry-After, up to num_retries such retries per alias; then the fallback
  /// aliases in order (the client's own list, else the configured chain; context-window and
  /// content-policy errors take their own chains). Everything within the request deadline
  /// (router_settings.timeout). The answer names the deployment that answered
  /// (x-llmgw-deployment) and the attempts made (x-llmgw-attempts).
  boost::asio::awaitable<CallOutcome> execute(const CallInput& input, const Pool& pool, Reply& reply);

  /// Run on each event loop's thread before it serves: makes that loop's upstream connection
  /// pool (calls on a loop use only its own pool: no lock on the request path). The pools are
  /// the process's, not one gateway's: every gateway a config reload builds uses them as they are.
  static void on_loop_start(boost::asio::io_context& io);
  /// Makes the first credential exchange of every deployment whose plugin has the ABI 1.1 hooks
  /// (Vertex AI tokens…) and starts renewing them on a background thread. Call once before
  /// serving (not under --check-config: it may reach the network).
  void start_credential_exchange();
  /// Closes the loops' upstream pools: call once the loops stopped, before their io_contexts
  /// are destroyed (pooled sockets belong to them).
  static void release_loop_pools();

 private:
  enum class Verdict { Success, Retry, ContextWindow, ContentPolicy, Final };

  /// What an attempt's end means for the call.
  static Verdict judge(const class RetryGate& gate, const CallOutcome& outcome);
  /// One attempt on one deployment, within `deadline_ms` (steady clock).
  boost::asio::awaitable<CallOutcome> execute_once(const CallInput& input, Deployment& d, Reply& reply,
                                                   int64_t deadline_ms);
  /// This loop's upstream connection pool (on_loop_start made it).
  static upstream_client::AsyncPool& loop_pool();
  ModelTable models_;
  std::unique_ptr<CredentialExchange> credentials_;  // ABI 1.1 credential exchanges; null until started
  config::RouterSettings router_;
  routing::Router strategy_;  // routing_strategy: the plugin (or built-in weighted pick) behind pick()
  routing::HealthPolicy health_;         // allowed_fails, cooldown_time, max_retry_after
  std::size_t max_upstream_body_bytes_;  // server.max_upstream_body_bytes
  std::size_t max_stream_event_bytes_;   // server.max_stream_event_bytes
};

}  // namespace llmgw::pipeline
