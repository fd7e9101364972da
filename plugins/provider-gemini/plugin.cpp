// provider-gemini: the Gemini Generative Language API (generateContent,
// streamGenerateContent?alt=sse), on Vertex AI too (with its embeddings and the Anthropic partner
// models). Glue only: the entry symbol, the descriptor and the vtable,
// whose exception-safe extern "C" hooks (llmgw::ProviderHooks) call
// plugin_util::TranslatingProvider over the role files below. Every call is translated (Gemini
// has no client dialect).
#include "call_stream.hpp"
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/translating_provider.hpp>

#include <chrono>
#include <string>

namespace llmgw::provider_gemini {
namespace {

/// The role files, as plugin_util::TranslatingProvider calls them.
struct Codec {
  using Config = provider_gemini::Config;
  using Stream = provider_gemini::CallStream;  // Gemini's SSE, or the Messages API's for vertex_ai/claude-…
  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-gemini could not process the upstream response"};
  static Config parse_config(std::string_view json, const llmgw::Host& host, std::vector<std::string>& warnings) {
    return provider_gemini::parse_config(json, &host, warnings);
  }
  static constexpr auto encode = &provider_gemini::encode;
  static constexpr auto decode = &provider_gemini::decode;

  /// vertex_ai/: the service-account token exchange the core makes for us (ABI 1.1); gemini/
  /// deployments need none (LLMGW_NOT_FOUND: the core stops asking).
  static llmgw_status credential_request(const Config& cfg, const llmgw_request_out& out, const llmgw_writer* error) {
    (void)error;
    if (!cfg.vertex) return LLMGW_NOT_FOUND;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    cfg.vertex->write_token_request(now.count(), out);
    return LLMGW_OK;
  }
  static llmgw_status credential_accept(const Config& cfg, const llmgw_upstream_response& r, int64_t& refresh_in_ms,
                                        const llmgw_writer* error) {
    if (!cfg.vertex) return LLMGW_NOT_FOUND;
    std::string why;
    refresh_in_ms = cfg.vertex->accept_token_answer(r, why);
    if (why.empty()) return LLMGW_OK;
    write(error, why);
    return LLMGW_ERROR;
  }
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<plugin_util::TranslatingProvider<Codec>>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA |
                         LLMGW_CAP_EMBEDDINGS | LLMGW_CAP_COUNT_TOKENS,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-gemini", "0.1.0", "Gemini Generative Language API and Vertex AI upstream (translation from canonical chat and embeddings)", &kVtable);

}  // namespace
}  // namespace llmgw::provider_gemini

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_gemini::kPlugin;
}
