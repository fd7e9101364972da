// provider-anthropic: the Anthropic Messages API. Glue only: the entry symbol, the descriptor
// and the vtable, whose exception-safe extern "C" hooks (llmgw::ProviderHooks) call the
// Provider below, itself a thin layer over the role files.
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "scan.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/host_clock.hpp>
#include <plugin_util/translating_provider.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace llmgw::provider_anthropic {
namespace {

/// One configured deployment; immutable after create, shared by every request thread.
class Provider {
 public:
  using Stream = provider_anthropic::Stream;

  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-anthropic could not process the upstream response"};

  Provider(Host host, std::string_view config_json)
      : host_(host), cfg_(plugin_util::load_config(host_, config_json, &parse_config)) {}

  llmgw_status encode(const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) const {
    return provider_anthropic::encode(cfg_, call, out, error);
  }

  llmgw_status decode(const llmgw_call& call, const llmgw_upstream_response& response,
                      const llmgw_result_out& out) const {
    return provider_anthropic::decode(cfg_, call, response, out, unix_now_s());
  }

  std::unique_ptr<Stream> open_stream(const llmgw_call& call, const llmgw_upstream_response&) const {
    const bool passthrough = call.body_dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES;
    RequestFacts facts = passthrough ? RequestFacts{} : scan_request(view(call.body));
    return std::make_unique<Stream>(cfg_, passthrough, std::move(facts), view(call.model), unix_now_s());
  }

 private:
  /// Unix seconds for a canonical object's `created`, from the host's wall clock.
  int64_t unix_now_s() const { return plugin_util::unix_now_s(host_); }

  Host host_;
  Config cfg_;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<Provider>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA,
    LLMGW_DIALECT_ANTHROPIC_MESSAGES);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-anthropic", "0.1.0",
    "Anthropic Messages API upstream (passthrough for Anthropic clients, translation for OpenAI ones)", &kVtable);

}  // namespace
}  // namespace llmgw::provider_anthropic

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_anthropic::kPlugin;
}
