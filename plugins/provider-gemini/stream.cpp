#include "stream.hpp"

#include "candidate.hpp"
#include "tool_ids.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>

#include <utility>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

/// The "choices" member of a delta chunk: `delta(w)` writes the delta's members.
template <typename Delta>
auto choice(Delta&& delta, std::string_view finish_reason = {}) {
  return [&delta, finish_reason](Writer& w) {
    w.Key("choices");
    w.StartArray();
    w.StartObject();
    w.Key("index");
    w.Int(0);
    w.Key("delta");
    w.StartObject();
    delta(w);
    w.EndObject();
    w.Key("finish_reason");
    if (finish_reason.empty()) w.Null();
    else string(w, finish_reason);
    w.EndObject();
    w.EndArray();
  };
}

}  // namespace

bool wants_stream_usage(std::string_view body) {
  if (body.find("include_usage") == std::string_view::npos) return false;
  rapidjson::Document doc;
  if (plugin_util::parse_bounded(doc, body) != plugin_util::JsonParse::kOk) return false;
  const Value* v = member(get(doc, "stream_options"), "include_usage");
  return v && v->IsTrue();
}

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created)
    : cfg_(cfg), include_usage_(include_usage), model_(model), created_(created) {}

template <typename Body>
void Stream::emit(const llmgw_event_out& out, Body&& body) {
  chunk_.Clear();
  Writer w(chunk_);
  w.StartObject();
  key_string(w, "id", id_);
  key_string(w, "object", "chat.completion.chunk");
  w.Key("created");
  w.Int64(created_);
  key_string(w, "model", model_);
  body(w);
  w.EndObject();
  out.emit_chunk(out.ctx, llmgw_str{chunk_.GetString(), chunk_.GetSize()});
}

llmgw_status Stream::status(const llmgw_event_out& out) {
  switch (phase_) {
    case Phase::kMore: return LLMGW_NEED_MORE;
    case Phase::kDone: return LLMGW_DONE;
    case Phase::kError: break;
  }
  return report_error(out, error_);
}

void Stream::report_usage(const llmgw_event_out& out) {
  if (!usage_.any()) return;
  const llmgw_usage u = usage_.to_llmgw();
  out.set_usage(out.ctx, &u);
}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  report_usage(out);  // what was spent before the failure still counts
  error_ = std::move(e);
  phase_ = Phase::kError;
  return false;
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  if (phase_ != Phase::kMore) return status(out);
  auto on = [&](std::string_view data) { return on_event(data, out); };
  framer_.feed(bytes, on);
  return status(out);
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  closing_ = true;
  auto on = [&](std::string_view data) { return on_event(data, out); };
  if (phase_ == Phase::kMore) framer_.finish(on);
  if (phase_ == Phase::kMore) fail(bad_response("upstream stream ended before a finishReason"), out);
  return status(out);
}

void Stream::finish(std::string_view finish_reason, const llmgw_event_out& out) {
  emit(out, choice([](Writer&) {}, finish_reason));
  if (include_usage_) {
    emit(out, [&](Writer& w) {
      w.Key("choices");
      w.StartArray();
      w.EndArray();
      w.Key("usage");
      usage_.write_canonical(w);
    });
  }
  report_usage(out);
  phase_ = Phase::kDone;
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
    id_ = response_id_.empty() ? "chatcmpl-gemini-" + std::to_string(created_) : "chatcmpl-" + response_id_;
    if (const std::string_view m = str_member(doc, "modelVersion"); !m.empty()) model_ = m;
    emit(out, choice([](Writer& w) { key_string(w, "role", "assistant"); }));
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
  if (!c.reasoning.empty())
    emit(out, choice([&](Writer& w) { key_string(w, "reasoning_content", c.reasoning); }));
  if (!c.text.empty()) emit(out, choice([&](Writer& w) { key_string(w, "content", c.text); }));
  for (const FunctionCall& call : c.calls) {
    const std::size_t index = calls_++;
    const std::string id = tool_call_id(response_id_, index, call.name, call.upstream_id, call.signature);
    emit(out, choice([&](Writer& w) {
      w.Key("tool_calls");
      w.StartArray();
      w.StartObject();
      w.Key("index");
      w.Uint64(index);
      key_string(w, "id", id);
      key_string(w, "type", "function");
      w.Key("function");
      w.StartObject();
      key_string(w, "name", call.name);
      key_string(w, "arguments", call.arguments);
      w.EndObject();
      w.EndObject();
      w.EndArray();
    }));
  }
  if (!c.finish_reason.empty()) {
    finish(canonical_finish(c.finish_reason, calls_ > 0), out);
    return false;
  }
  return true;
}

}  // namespace llmgw::provider_gemini
