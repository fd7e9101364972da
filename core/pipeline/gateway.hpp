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
#include "pipeline/reply.hpp"
#include "pipeline/upstream_client.hpp"
#include "loader/registry.hpp"
#include "routing/deployment_state.hpp"
#include "routing/router.hpp"

namespace llmgw::pipeline {

struct Deployment {
  config::Deployment cfg;
  std::unique_ptr<loader::ProviderInstance> provider;
  /// Health and live statistics, shared by all request threads (lock-free).
  routing::DeploymentState state;
};

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
  /// Creates one provider instance per deployment. Throws loader::PluginError.
  Gateway(const config::Config& config, const loader::Registry& registry);

  /// The pool serving `alias` (model_group_alias applied), or null.
  const Pool* pool(std::string_view alias) const;
  /// Every deployment, in config order (for the shared-state sync and metrics).
  const std::vector<std::unique_ptr<Deployment>>& deployments() const { return deployments_; }
  /// Deployments left out because no loaded plugin serves their provider ("file:line: why").
  const std::vector<std::string>& skipped() const { return skipped_; }
  /// Client-visible model names, in config order.
  const std::vector<std::string>& aliases() const { return aliases_; }

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
  /// pool (calls on a loop use only its own pool: no lock on the request path).
  void on_loop_start(boost::asio::io_context& io);
  /// Closes the loops' upstream pools: call once the loops stopped, before their io_contexts
  /// are destroyed (pooled sockets belong to them).
  void release_loop_pools();

 private:
  enum class Verdict { Success, Retry, ContextWindow, ContentPolicy, Final };
  using Chains = std::map<std::string, std::vector<std::string>, std::less<>>;

  /// A healthy deployment of `pool` for the next attempt, or null when every one is cooling
  /// down (`*soonest_ms` then says when the first returns). Deployments not yet `tried` by
  /// this call come first. A deployment whose cooldown just ended is taken as the half-open
  /// probe (`*probe`), holding other calls off it for `probe_ms`.
  Deployment* choose(const Pool& pool, const std::vector<const Deployment*>& tried, bool stream,
                     int64_t probe_ms, bool* probe, int64_t* soonest_ms);
  /// What an attempt's end means for the call.
  static Verdict judge(const class RetryGate& gate, const CallOutcome& outcome);
  /// Records how an attempt on `d` ended in its health: a probe that got an answer clears it;
  /// a `failed` attempt (retryable, or broken after the first byte) counts towards
  /// allowed_fails (a cooldown when another deployment can stand in), a Retry-After cools for
  /// at least that long, a failed probe cools again.
  void record_attempt(Deployment& d, Verdict verdict, bool failed, int64_t retry_after_ms, bool probe,
                      bool has_alternatives);
  /// One attempt on one deployment, within `deadline_ms` (steady clock).
  boost::asio::awaitable<CallOutcome> execute_once(const CallInput& input, Deployment& d, Reply& reply,
                                                   int64_t deadline_ms);
  /// This loop's upstream connection pool (on_loop_start made it).
  static upstream_client::AsyncPool& loop_pool();
  /// The deployment to try first among `candidates` (non-empty; the caller passes only those it
  /// may call, e.g. not cooling down), by router_settings.routing_strategy; `stream` lets
  /// latency-based routing rank by time to first byte. Lock-free, no allocation.
  Deployment& pick(const Pool& candidates, bool stream = false);

  std::vector<std::unique_ptr<Deployment>> deployments_;
  std::unordered_map<std::string, Pool, StringHash, std::equal_to<>> pools_;
  std::map<std::string, std::string, std::less<>> group_alias_;
  Chains fallbacks_;                 // alias → fallback aliases, in order
  Chains context_window_fallbacks_;
  Chains content_policy_fallbacks_;
  config::RouterSettings router_;
  routing::Router strategy_;  // routing_strategy: the plugin (or built-in weighted pick) behind pick()
  std::vector<std::string> aliases_;
  std::vector<std::string> skipped_;
  std::mutex loop_pools_mutex_;  // only while loops start
  std::vector<std::unique_ptr<upstream_client::AsyncPool>> loop_pools_;
  int allowed_fails_ = 3;
  int64_t cooldown_ms_ = 5000;
  int64_t max_retry_after_ms_;           // router_settings.max_retry_after
  std::size_t max_upstream_body_bytes_;  // server.max_upstream_body_bytes
  std::size_t max_stream_event_bytes_;   // server.max_stream_event_bytes
};

}  // namespace llmgw::pipeline
