#include "vertex_open_models.hpp"

#include "encode.hpp"
#include "errors.hpp"

#include <llmgw/plugin.hpp>

#include <openai_compat/canonical_extensions.hpp>
#include <openai_compat/json_scan.hpp>

#include <plugin_util/sse_cut.hpp>

#include <string>

namespace llmgw::provider_gemini {

llmgw_status encode_vertex_open_model(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                      const llmgw_writer* error) {
  if (call.operation != LLMGW_OP_CHAT) {
    write(error, "Vertex AI's OpenAI-compatible endpoint serves chat only (model " + std::string(view(call.model)) + ")");
    return LLMGW_UNSUPPORTED;
  }
  if (call.body_dialect != LLMGW_DIALECT_OPENAI_CHAT) {
    write(error, "the request body is not canonical chat");
    return LLMGW_BAD_ARGUMENT;
  }
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(cfg.open_models_url));
  add_headers(cfg, out);
  // A body translated from another client dialect may carry its canonical extensions, which an
  // OpenAI-shaped upstream rejects; an OpenAI client's own body goes byte for byte. Open models
  // sample with top_k (vLLM behind the endpoint), so it is kept.
  const bool translated = LLMGW_HAS_MEMBER(&call, llmgw_call, client_dialect) && call.client_dialect != 0 &&
                          call.client_dialect != LLMGW_DIALECT_OPENAI_CHAT;
  std::string stripped;
  if (translated && openai_compat::strip_canonical_extensions(view(call.body), {true}, stripped)) {
    out.append_body(out.ctx, str(stripped));
    return LLMGW_OK;
  }
  out.use_call_body(out.ctx);
  return LLMGW_OK;
}

llmgw_status decode_vertex_open_model(const Config& cfg, const llmgw_upstream_response& r, const llmgw_result_out& out) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  const openai_compat::JsonScan scan = openai_compat::scan_json(view(r.body));
  if (scan.too_deep) return report_error(out, bad_response("upstream returned a body nested deeper than 128 levels"));
  if (!scan.valid || !scan.root_object)
    return report_error(out, bad_response("upstream returned HTTP " + std::to_string(r.status) +
                                          " with a body that is not a JSON object"));
  if (scan.has_error) return report_error(out, error_from_fields(cfg, parse_error_body(view(r.body)), 0, -1));
  out.use_upstream_body(out.ctx);
  if (scan.has_usage) out.set_usage(out.ctx, &scan.usage);
  return LLMGW_OK;
}

llmgw_status OpenModelStream::report(openai_compat::ChatStreamWatch::Step step, const llmgw_event_out& out) {
  llmgw_usage usage;
  if (watch_.take_usage(usage)) out.set_usage(out.ctx, &usage);
  switch (step) {
    case openai_compat::ChatStreamWatch::Step::kMore: return LLMGW_NEED_MORE;
    case openai_compat::ChatStreamWatch::Step::kDone: return LLMGW_DONE;
    case openai_compat::ChatStreamWatch::Step::kError: break;
  }
  Error e = watch_.error();
  scrub(cfg_, e);
  return report_error(out, e);
}

llmgw_status OpenModelStream::feed(std::string_view bytes, const llmgw_event_out& out) {
  using Step = openai_compat::ChatStreamWatch::Step;
  if (watch_.state() != Step::kMore) return report(watch_.state(), out);
  const Step step = watch_.feed(bytes);
  // Relayed after the look: an event the watch refused does not reach the client; nothing past
  // [DONE] is relayed.
  if (step == Step::kDone) bytes = bytes.substr(0, plugin_util::through_event_with_line(bytes, {"data: [DONE]", "data:[DONE]"}));
  if (!bytes.empty() && !watch_.refused()) out.emit_raw(out.ctx, str(bytes));
  return report(step, out);
}

llmgw_status OpenModelStream::close(const llmgw_event_out& out) { return report(watch_.close(), out); }

}  // namespace llmgw::provider_gemini
