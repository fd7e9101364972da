// provider-gemini: the Gemini Generative Language API (generateContent,
// streamGenerateContent?alt=sse). Glue only: the entry symbol, the descriptor and the vtable,
// whose exception-safe extern "C" hooks (llmgw::ProviderHooks) call
// plugin_util::TranslatingProvider over the role files below. Every call is translated (Gemini
// has no client dialect).
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/translating_provider.hpp>

namespace llmgw::provider_gemini {
namespace {

/// The role files, as plugin_util::TranslatingProvider calls them.
struct Codec {
  using Config = provider_gemini::Config;
  using Stream = provider_gemini::Stream;
  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-gemini could not process the upstream response"};
  static constexpr auto parse_config = &provider_gemini::parse_config;
  static constexpr auto encode = &provider_gemini::encode;
  static constexpr auto decode = &provider_gemini::decode;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<plugin_util::TranslatingProvider<Codec>>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA |
                         LLMGW_CAP_EMBEDDINGS,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-gemini", "0.1.0", "Gemini Generative Language API upstream (translation from canonical chat and embeddings)", &kVtable);

}  // namespace
}  // namespace llmgw::provider_gemini

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_gemini::kPlugin;
}
