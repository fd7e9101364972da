// provider-openai: OpenAI, Azure OpenAI and OpenAI-compatible upstreams. Glue only: the entry
// symbol, the descriptor and the vtable, whose exception-safe extern "C" hooks
// (llmgw::ProviderHooks) call the Provider below, itself a thin layer over the role files.
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <openai_compat/retry_after.hpp>

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_openai {
namespace {

/// One configured deployment; immutable after create, shared by every request thread.
class Provider {
 public:
  using Stream = provider_openai::Stream;

  static constexpr HookFailure kHookFailure{"server_error", "plugin_failure",
                                            "provider-openai could not process the upstream response"};

  Provider(Host host, std::string_view config_json) : host_(host) {
    std::vector<std::string> warnings;
    cfg_ = parse_config(config_json, warnings);
    for (const std::string& w : warnings) host_.log(LLMGW_LOG_WARN, w);
  }

  llmgw_status encode(const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) const {
    return provider_openai::encode(cfg_, call, out, error);
  }

  llmgw_status decode(const llmgw_call&, const llmgw_upstream_response& response, const llmgw_result_out& out) const {
    return provider_openai::decode(cfg_, response, out, openai_compat::unix_now_ms());
  }

  std::unique_ptr<Stream> open_stream(const llmgw_call&, const llmgw_upstream_response&) const {
    return std::make_unique<Stream>(cfg_);
  }

 private:
  Host host_;
  Config cfg_;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<Provider>::vtable(
    kProviderNames,
    LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA |
        LLMGW_CAP_EMBEDDINGS,
    LLMGW_DIALECT_OPENAI_CHAT);

constexpr llmgw_plugin kPlugin =
    provider_descriptor("provider-openai", "0.1.0",
                        "OpenAI, Azure OpenAI and OpenAI-compatible chat and embeddings upstreams", &kVtable);

}  // namespace
}  // namespace llmgw::provider_openai

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_openai::kPlugin;
}
