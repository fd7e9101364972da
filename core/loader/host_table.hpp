// The llmgw_host table the core hands to each plugin: logging, clock, secrets, digests, counters.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace llmgw::loader {

}  // namespace llmgw::loader
namespace llmgw::observe {
class Counters;
}  // namespace llmgw::observe
namespace llmgw::loader {

/// What the host functions of one plugin need; llmgw_host.ctx points here. One per loaded
/// plugin, shared by all its instances, kept alive by LoadedPlugin and every ProviderInstance.
/// THREADS: immutable after construction; every host function may run concurrently.
struct HostContext {
  /// `plugin_name` is the descriptor name: the spdlog logger name and the counters' plugin label.
  /// The logger is spdlog::get(plugin_name) when one is registered, else a new logger sharing
  /// the default logger's sinks and level.
  explicit HostContext(std::string plugin_name, observe::Counters* counters = nullptr);

  std::string plugin_name;
  std::shared_ptr<spdlog::logger> logger;
  observe::Counters* counters;  // never null; the process-wide table unless a test passes its own
};

/// A host table whose functions are the core's and whose ctx is `context` (which must outlive
/// the table). struct_size = sizeof(llmgw_host), ABI = this header's major.minor.
std::unique_ptr<llmgw_host> make_host_table(const HostContext& context);

/// The host functions, exposed for tests and for core code that wants the same behaviour.
namespace host {
void log(void* ctx, llmgw_log_level level, llmgw_str message);
uint64_t monotonic_ns(void* ctx);
/// "os.environ/NAME": the variable's value, NOT_FOUND when it is unset or empty (the same rule
/// as the config loader); any other text is a literal and is written back as is.
llmgw_status secret(void* ctx, llmgw_str ref, const llmgw_writer* out);
void sha256(void* ctx, llmgw_str data, uint8_t out[32]);
void hmac_sha256(void* ctx, llmgw_str key, llmgw_str data, uint8_t out[32]);
uint32_t counter_register(void* ctx, llmgw_str name, llmgw_str help);
void counter_add(void* ctx, uint32_t handle, uint64_t delta);
int64_t realtime_ms(void* ctx);
/// ABI 1.1: one blocking HTTP POST (host_http_post.cpp); http:// only for now.
llmgw_status http_post(void* ctx, llmgw_str url, const llmgw_header* headers, size_t header_count, llmgw_str body,
                       uint32_t timeout_ms, int32_t* status, const llmgw_writer* response_body);
}  // namespace host

}  // namespace llmgw::loader
