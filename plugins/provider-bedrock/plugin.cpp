// provider-bedrock: the AWS Bedrock Runtime Converse API (converse, converse-stream), LiteLLM
// prefixes bedrock/ and bedrock/converse/. Glue only: the entry symbol, the descriptor and the
// vtable, whose exception-safe extern "C" hooks (llmgw::ProviderHooks) call
// plugin_util::TranslatingProvider over the role files. Every call is translated; the host's
// sha256, hmac_sha256 and wall clock sign each request (SigV4).
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <plugin_util/translating_provider.hpp>

namespace llmgw::provider_bedrock {
namespace {

/// The role files, as plugin_util::TranslatingProvider calls them (host-taking forms).
struct Codec {
  using Config = provider_bedrock::Config;
  using Stream = provider_bedrock::Stream;
  static constexpr HookFailure kHookFailure{"api_error", "plugin_failure",
                                            "provider-bedrock could not process the upstream response"};
  static constexpr auto parse_config = &provider_bedrock::parse_config;
  static constexpr auto encode = &provider_bedrock::encode;
  static constexpr auto decode = &provider_bedrock::decode;
};

constexpr llmgw_provider_vtable kVtable = ProviderHooks<plugin_util::TranslatingProvider<Codec>>::vtable(
    kProviderNames, LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_EMBEDDINGS,
    LLMGW_DIALECT_NONE);

constexpr llmgw_plugin kPlugin = provider_descriptor(
    "provider-bedrock", "0.1.0", "AWS Bedrock Converse API upstream (SigV4, event-stream), Titan and Cohere embeddings", &kVtable);

}  // namespace
}  // namespace llmgw::provider_bedrock

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_bedrock::kPlugin;
}
