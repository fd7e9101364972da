// provider-cohere: Cohere's v2 chat API (LiteLLM prefixes cohere/ and cohere_chat/). Glue only:
// entry symbol, descriptor, vtable over the role files (plugin_util::TranslatingProvider).
#include "codec.hpp"
#include "config.hpp"
#include "encode.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/translating_provider.hpp>

namespace llmgw::provider_cohere {
namespace {

/// The role files, as plugin_util::TranslatingProvider calls them.
struct Codec {
  using Config = provider_cohere::Config;
  using Stream = provider_cohere::Stream;
  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-cohere could not process the upstream response"};
  static constexpr auto parse_config = &provider_cohere::parse_config;
  static constexpr auto encode = &provider_cohere::encode;
  static constexpr auto decode = &provider_cohere::decode;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<plugin_util::TranslatingProvider<Codec>>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA |
                         LLMGW_CAP_EMBEDDINGS,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor("provider-cohere", "0.1.0", "Cohere v2 chat API upstream", &kVtable);

}  // namespace
}  // namespace llmgw::provider_cohere

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_cohere::kPlugin;
}
