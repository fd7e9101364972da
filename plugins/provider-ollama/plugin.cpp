// provider-ollama: Ollama's native chat API (POST /api/chat, NDJSON streams), LiteLLM prefixes
// ollama/ and ollama_chat/. Glue only: entry symbol, descriptor, vtable over the role files.
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::provider_ollama {
namespace {

class Provider {
 public:
  using Stream = provider_ollama::Stream;

  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-ollama could not process the upstream response"};

  Provider(Host host, std::string_view config_json) : host_(host) {
    std::vector<std::string> warnings;
    cfg_ = parse_config(config_json, warnings);
    for (const std::string& w : warnings) host_.log(LLMGW_LOG_WARN, w);
  }
  llmgw_status encode(const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) const {
    return provider_ollama::encode(cfg_, call, out, error);
  }
  llmgw_status decode(const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out) const {
    return provider_ollama::decode(cfg_, call, r, out, unix_now_s());
  }
  std::unique_ptr<Stream> open_stream(const llmgw_call& call, const llmgw_upstream_response&) const {
    return std::make_unique<Stream>(cfg_, wants_stream_usage(view(call.body)), view(call.model), unix_now_s());
  }

 private:
  int64_t unix_now_s() const {
    const llmgw_host* h = host_.get();
    if (h && LLMGW_HAS_MEMBER(h, llmgw_host, realtime_ms) && h->realtime_ms) return h->realtime_ms(h->ctx) / 1000;
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  }
  Host host_;
  Config cfg_;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<Provider>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-ollama", "0.1.0", "Ollama native chat API upstream (/api/chat, NDJSON streams)", &kVtable);

}  // namespace
}  // namespace llmgw::provider_ollama

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_ollama::kPlugin;
}
