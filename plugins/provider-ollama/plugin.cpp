// provider-ollama: Ollama's native chat API (POST /api/chat, NDJSON streams), LiteLLM prefixes
// ollama/ and ollama_chat/. Glue only: entry symbol, descriptor, vtable over the role files
// (plugin_util::TranslatingProvider).
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/translating_provider.hpp>

namespace llmgw::provider_ollama {
namespace {

/// The role files, as plugin_util::TranslatingProvider calls them.
struct Codec {
  using Config = provider_ollama::Config;
  using Stream = provider_ollama::Stream;
  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-ollama could not process the upstream response"};
  static constexpr auto parse_config = &provider_ollama::parse_config;
  static constexpr auto encode = &provider_ollama::encode;
  static constexpr auto decode = &provider_ollama::decode;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<plugin_util::TranslatingProvider<Codec>>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA |
                         LLMGW_CAP_EMBEDDINGS,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-ollama", "0.1.0", "Ollama native chat API upstream (/api/chat, NDJSON streams)", &kVtable);

}  // namespace
}  // namespace llmgw::provider_ollama

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_ollama::kPlugin;
}
