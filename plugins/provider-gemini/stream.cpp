#include "stream.hpp"

#include "candidate.hpp"
#include "tool_ids.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>

#include <string>
#include <utility>

namespace llmgw::provider_gemini {

using namespace json;

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created)
    : cfg_(cfg), include_usage_(include_usage), created_(created), chunks_({}, model, created) {}

void Stream::report_usage(const llmgw_event_out& out) {
  if (!usage_.any()) return;
  const llmgw_usage u = usage_.to_llmgw();
  out.set_usage(out.ctx, &u);
}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  report_usage(out);  // what was spent before the failure still counts
  return phase_.fail(std::move(e));
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  return plugin_util::feed_sse(phase_, framer_, bytes, out, [&](std::string_view data) { return on_event(data, out); });
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  closing_ = true;
  return plugin_util::close_sse(
      phase_, framer_, out, [&](std::string_view data) { return on_event(data, out); },
      [&] { fail(bad_response("upstream stream ended before a finishReason"), out); });
}

void Stream::finish(std::string_view finish_reason, const llmgw_event_out& out) {
  chunks_.finish(out, finish_reason);
  if (include_usage_) chunks_.usage(out, [&](Writer& w) { usage_.write_canonical(w); });
  report_usage(out);
  phase_.done();
}

bool Stream::on_event(std::string_view data, const llmgw_event_out& out) {
  if (data.empty() || data == "[DONE]") return true;
  rapidjson::Document doc;
  switch (plugin_util::parse_bounded(doc, data)) {
    case plugin_util::JsonParse::kOk: break;
    case plugin_util::JsonParse::kTooDeep:
      return fail(bad_response("upstream stream event nests deeper than 128 levels"), out);
    case plugin_util::JsonParse::kSyntax:
      return fail(bad_response(closing_ ? "upstream stream ended before a finishReason"
                                        : "upstream stream event is not JSON"),
                  out);
  }
  if (!doc.IsObject()) return fail(bad_response("upstream stream event is not a JSON object"), out);
  if (const Value* err = member(doc, "error"); err && err->IsObject())
    return fail(error_from_fields(cfg_, error_fields(*err), 0, -1), out);

  if (const Value* um = member(doc, "usageMetadata")) {
    usage_ = Usage::read(*um);
    report_usage(out);
  }
  if (!started_) {
    started_ = true;
    response_id_ = str_member(doc, "responseId");
    chunks_.set_id(response_id_.empty() ? "chatcmpl-gemini-" + std::to_string(created_) : "chatcmpl-" + response_id_);
    if (const std::string_view m = str_member(doc, "modelVersion"); !m.empty()) chunks_.set_model(m);
    chunks_.role(out);
  }

  const Value* candidates = member(doc, "candidates");
  if (!candidates || !candidates->IsArray() || candidates->Empty()) {
    if (!str_member(get(doc, "promptFeedback"), "blockReason").empty()) {
      finish("content_filter", out);
      return false;
    }
    return true;  // e.g. a usage-only event
  }
  const CandidateParts c = read_candidate((*candidates)[0]);
  if (!c.reasoning.empty()) chunks_.reasoning(out, c.reasoning);
  if (!c.text.empty()) chunks_.content(out, c.text);
  for (const FunctionCall& call : c.calls) {
    const std::size_t index = calls_++;
    const std::string id = tool_call_id(response_id_, index, call.name, call.upstream_id, call.signature);
    chunks_.tool_call(out, index, id, call.name, call.arguments);
  }
  if (!c.finish_reason.empty()) {
    finish(canonical_finish(c.finish_reason, calls_ > 0), out);
    return false;
  }
  return true;
}

}  // namespace llmgw::provider_gemini
