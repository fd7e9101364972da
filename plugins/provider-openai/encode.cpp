#include "encode.hpp"

#include <llmgw/plugin.hpp>

#include <openai_compat/canonical_extensions.hpp>

namespace llmgw::provider_openai {

llmgw_status encode(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                    const llmgw_writer* error) {
  const std::string* url;
  switch (call.operation) {
    case LLMGW_OP_CHAT: url = &cfg.chat_url; break;
    case LLMGW_OP_EMBEDDINGS: url = &cfg.embeddings_url; break;
    case LLMGW_OP_COUNT_TOKENS:
      write(error, "count_tokens is not supported by OpenAI-compatible upstreams");
      return LLMGW_UNSUPPORTED;
    default:
      write(error, "this operation is not supported by OpenAI-compatible upstreams");
      return LLMGW_UNSUPPORTED;
  }
  if (call.body_dialect != LLMGW_DIALECT_OPENAI_CHAT && call.body_dialect != LLMGW_DIALECT_OPENAI_EMBEDDINGS) {
    write(error, "the request body is not in the OpenAI dialect");
    return LLMGW_BAD_ARGUMENT;
  }
  out.set_url(out.ctx, str(*url));
  for (const Header& h : cfg.headers) out.add_header(out.ctx, str(h.name), str(h.value));
  // A body translated from another dialect (an Anthropic client) may carry that client's
  // canonical extensions; OpenAI-shaped upstreams reject them. An OpenAI client's own body is
  // forwarded byte for byte, whatever it holds.
  const bool translated = LLMGW_HAS_MEMBER(&call, llmgw_call, client_dialect) && call.client_dialect != 0 &&
                          call.client_dialect != LLMGW_DIALECT_OPENAI_CHAT &&
                          call.client_dialect != LLMGW_DIALECT_OPENAI_EMBEDDINGS;
  thread_local std::string stripped;
  if (translated && openai_compat::strip_canonical_extensions(view(call.body), {openai_compat::accepts_top_k(cfg.provider->name)}, stripped)) {
    out.append_body(out.ctx, str(stripped));
    if (stripped.capacity() > (std::size_t{1} << 20)) std::string().swap(stripped);  // one large body: released
    return LLMGW_OK;
  }
  out.use_call_body(out.ctx);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_openai
