#include "call_stream.hpp"

#include <provider-anthropic/scan.hpp>

#include <llmgw/plugin.hpp>

namespace llmgw::provider_gemini {

CallStream::CallStream(const Config& cfg, const llmgw_call& call, bool include_usage, int64_t created,
                       const llmgw_upstream_response&) {
  if (is_vertex_open_model(cfg, view(call.model)))
    open_.emplace(cfg);
  else if (is_vertex_mistral(cfg, view(call.model)))
    mistral_.emplace(*cfg.mistral, include_usage);
  else if (is_vertex_claude(cfg, view(call.model)))
    claude_.emplace(*cfg.claude, false, provider_anthropic::scan_request(view(call.body)), view(call.model), created);
  else
    gemini_.emplace(cfg, include_usage, view(call.model), created);
}

llmgw_status CallStream::feed(std::string_view bytes, const llmgw_event_out& out) {
  if (open_) return open_->feed(bytes, out);
  if (mistral_) return mistral_->feed(bytes, out);
  return claude_ ? claude_->feed(bytes, out) : gemini_->feed(bytes, out);
}

llmgw_status CallStream::close(const llmgw_event_out& out) {
  if (open_) return open_->close(out);
  if (mistral_) return mistral_->close(out);
  return claude_ ? claude_->close(out) : gemini_->close(out);
}

}  // namespace llmgw::provider_gemini
