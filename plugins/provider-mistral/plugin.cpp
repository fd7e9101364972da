// provider-mistral: Mistral's chat API (OpenAI-shaped) as a small delta over the canonical
// shape. Glue only: entry symbol, descriptor, vtable (llmgw::ProviderHooks) over codec.cpp.
#include "codec.hpp"
#include "config.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/translating_provider.hpp>

#include <memory>
#include <string>
#include <string_view>

namespace llmgw::provider_mistral {
namespace {

class Provider {
 public:
  using Stream = provider_mistral::Stream;

  static constexpr HookFailure kHookFailure{"server_error", "plugin_failure",
                                            "provider-mistral could not process the upstream response"};

  Provider(Host host, std::string_view config_json)
      : cfg_(plugin_util::load_config(host, config_json, &parse_config)) {}
  llmgw_status encode(const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) const {
    return provider_mistral::encode(cfg_, call, out, error);
  }
  llmgw_status decode(const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out) const {
    return provider_mistral::decode(cfg_, call, r, out);
  }
  std::unique_ptr<Stream> open_stream(const llmgw_call& call, const llmgw_upstream_response&) const {
    return std::make_unique<Stream>(cfg_, wants_stream_usage(view(call.body)));
  }

 private:
  Config cfg_;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<Provider>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA |
                         LLMGW_CAP_EMBEDDINGS,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-mistral", "0.1.0", "Mistral chat API upstream (canonical chat with Mistral's tool ids and parameters)", &kVtable);

}  // namespace
}  // namespace llmgw::provider_mistral

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_mistral::kPlugin;
}
