#include "stream.hpp"

#include "errors.hpp"
#include "usage.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/json_helpers.hpp>
#include <plugin_util/usage_writer.hpp>

namespace llmgw::provider_bedrock {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

std::string chunk_id(const llmgw_upstream_response* r, int64_t created) {
  const std::string_view id = r ? find_header(r->headers, r->header_count, kRequestIdHeader) : std::string_view();
  if (id.empty() || id.size() > 128) return "chatcmpl-bedrock-" + std::to_string(created);
  return "chatcmpl-" + std::string(id);
}

}  // namespace

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created,
               const llmgw_upstream_response& response)
    : cfg_(cfg), include_usage_(include_usage), chunks_(chunk_id(&response, created), model_id(model), created) {}

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created)
    : cfg_(cfg), include_usage_(include_usage), chunks_(chunk_id(nullptr, created), model_id(model), created) {}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  if (has_usage_) out.set_usage(out.ctx, &usage_);  // what was spent before the failure still counts
  return phase_.fail(std::move(e));
}

void Stream::start(const llmgw_event_out& out) {
  if (started_) return;
  started_ = true;
  chunks_.role(out);
}

int Stream::tool_index(int64_t block) const {
  const auto it = tool_blocks_.find(block);
  return it == tool_blocks_.end() ? -1 : it->second;
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  if (!phase_.more()) return phase_.status(out);
  const eventstream::Error e = framer_.feed(bytes, [&](const eventstream::Message& m) { return on_message(m, out); });
  if (e != eventstream::Error::kNone && phase_.more()) fail(bad_response(std::string(eventstream::describe(e))), out);
  return phase_.status(out);
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  if (phase_.more()) {
    if (stopped_) {
      finish_usage(out);  // messageStop came; the metadata event did not
    } else {
      fail(bad_response(framer_.buffered() ? "upstream stream ended inside an event-stream message"
                                           : "upstream stream ended before messageStop"),
           out);
    }
  }
  return phase_.status(out);
}

void Stream::finish_usage(const llmgw_event_out& out) {
  if (include_usage_ && has_usage_) chunks_.usage(out, [&](Writer& w) { plugin_util::write_canonical_usage(w, usage_); });
  if (has_usage_) out.set_usage(out.ctx, &usage_);
  phase_.done();
}

bool Stream::on_message(const eventstream::Message& m, const llmgw_event_out& out) {
  if (m.message_type == "exception") return fail(error_from_exception(cfg_, m.exception_type, m.payload), out);
  if (m.message_type == "error")
    return fail(classify(cfg_, m.error_code, m.error_message.empty() ? m.error_code : m.error_message, 0, -1), out);
  if (!m.message_type.empty() && m.message_type != "event") return true;  // unknown kinds are skipped
  return on_event(m.event_type, m.payload, out);
}

bool Stream::on_event(std::string_view type, std::string_view payload, const llmgw_event_out& out) {
  rapidjson::Document doc;
  switch (plugin_util::parse_bounded(doc, payload)) {
    case plugin_util::JsonParse::kOk: break;
    case plugin_util::JsonParse::kTooDeep: return fail(bad_response("upstream stream event nests deeper than 128 levels"), out);
    case plugin_util::JsonParse::kSyntax: return fail(bad_response("upstream stream event payload is not JSON"), out);
  }
  if (!doc.IsObject()) return fail(bad_response("upstream stream event payload is not a JSON object"), out);

  if (type == "messageStart") {
    start(out);
  } else if (type == "contentBlockStart") {
    start(out);
    const Value& use = get(get(doc, "start"), "toolUse");
    const Value* block = member(doc, "contentBlockIndex");
    if (!use.IsObject() || !block || !block->IsInt64()) return true;
    if (tool_index(block->GetInt64()) >= 0) return fail(bad_response("upstream started content block " + std::to_string(block->GetInt64()) + " twice"), out);
    if (tool_blocks_.size() >= kMaxToolCalls) return fail(bad_response("upstream started more than " + std::to_string(kMaxToolCalls) + " tool calls"), out);
    const int index = static_cast<int>(tool_blocks_.size());
    tool_blocks_.emplace(block->GetInt64(), index);
    chunks_.tool_call(out, static_cast<uint64_t>(index), str_member(use, "toolUseId"), str_member(use, "name"), "");
  } else if (type == "contentBlockDelta") {
    start(out);
    const Value& delta = get(doc, "delta");
    if (const Value* t = member(delta, "text"); t && t->IsString()) {
      if (t->GetStringLength() > 0) chunks_.content(out, sv(*t));
    } else if (const Value* use = member(delta, "toolUse")) {
      const Value* block = member(doc, "contentBlockIndex");
      const int index = block && block->IsInt64() ? tool_index(block->GetInt64()) : -1;
      if (index < 0) return fail(bad_response("upstream sent toolUse input for a content block that started no toolUse"), out);
      if (const std::string_view input = str_member(*use, "input"); !input.empty())
        chunks_.tool_arguments(out, static_cast<uint64_t>(index), input);
    } else if (const Value* rc = member(delta, "reasoningContent")) {
      if (const std::string_view text = str_member(*rc, "text"); !text.empty()) chunks_.reasoning(out, text);
      const std::string_view sig = str_member(*rc, "signature");
      const std::string_view redacted = str_member(*rc, "redactedContent");
      if (!sig.empty() || !redacted.empty()) {
        chunks_.delta(out, [&](Writer& w) {
          w.Key("thinking_blocks");
          w.StartArray();
          w.StartObject();
          if (!sig.empty()) {
            key_string(w, "type", "thinking");
            key_string(w, "signature", sig);
          } else {
            key_string(w, "type", "redacted_thinking");
            key_string(w, "data", redacted);
          }
          w.EndObject();
          w.EndArray();
        });
      }
    }
  } else if (type == "messageStop") {
    start(out);
    if (stopped_) return true;
    stopped_ = true;
    chunks_.finish(out, finish_reason_for(str_member(doc, "stopReason"), !tool_blocks_.empty()));
  } else if (type == "metadata") {
    usage_ = usage_of(get(doc, "usage"));
    has_usage_ = true;
    if (stopped_) {
      finish_usage(out);
      return false;
    }
    out.set_usage(out.ctx, &usage_);
  }
  return true;  // contentBlockStop and unknown events carry nothing to translate
}

}  // namespace llmgw::provider_bedrock
