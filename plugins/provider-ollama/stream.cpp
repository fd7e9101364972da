#include "stream.hpp"

#include "answer.hpp"
#include "errors.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>

#include <cstring>

namespace llmgw::provider_ollama {
namespace {

using namespace plugin_util::json;

template <typename Delta>
auto choice(Delta&& delta, std::string_view finish = {}) {
  return [&delta, finish](Writer& w) {
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
    if (finish.empty()) w.Null();
    else string(w, finish);
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

bool Stream::fail(Error e, const llmgw_event_out& out) {
  if (usage_.prompt_tokens >= 0) out.set_usage(out.ctx, &usage_);
  error_ = std::move(e);
  phase_ = Phase::kError;
  return false;
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  while (phase_ == Phase::kMore && !bytes.empty()) {
    const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
    const std::size_t n = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data()) : bytes.size();
    if (!skipping_) {
      if (line_.size() + n > kMaxLineBytes) {
        fail(bad_response("upstream stream line is longer than 16 MiB"), out);
        break;
      }
      if (!nl) {
        line_.append(bytes);
        break;
      }
      if (line_.empty()) {
        on_line(bytes.substr(0, n), out);  // a whole line in this feed: no copy
      } else {
        line_.append(bytes.substr(0, n));
        std::string line;
        line.swap(line_);
        on_line(line, out);
      }
    }
    if (!nl) break;
    bytes.remove_prefix(n + 1);
  }
  return status(out);
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  if (phase_ == Phase::kMore && !line_.empty()) {
    std::string line;
    line.swap(line_);
    on_line(line, out);
  }
  if (phase_ == Phase::kMore) fail(bad_response("upstream stream ended before \"done\": true"), out);
  return status(out);
}

bool Stream::on_line(std::string_view line, const llmgw_event_out& out) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return true;
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, line);
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return fail(bad_response(p == plugin_util::JsonParse::kTooDeep ? "upstream stream line nests deeper than 128 levels"
                                                                   : "upstream stream line is not a JSON object"),
                out);
  const Answer a = read_answer(doc);
  if (a.has_error) return fail(error_from_text(cfg_, a.error), out);
  if (!started_) {
    started_ = true;
    created_at_ = a.created_at;
    if (!a.model.empty()) model_ = a.model;
    id_ = "chatcmpl-ollama-" + tool_call_id(created_at_, 0, model_, {}).substr(5);
    emit(out, choice([](Writer& w) { key_string(w, "role", "assistant"); }));
  }
  if (!a.thinking.empty()) emit(out, choice([&](Writer& w) { key_string(w, "reasoning_content", a.thinking); }));
  if (!a.content.empty()) emit(out, choice([&](Writer& w) { key_string(w, "content", a.content); }));
  for (const ToolCall& c : a.calls) {
    const std::size_t index = calls_++;
    const std::string id = tool_call_id(created_at_, index, c.name, c.upstream_id);
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
      key_string(w, "name", c.name);
      key_string(w, "arguments", c.arguments);
      w.EndObject();
      w.EndObject();
      w.EndArray();
    }));
  }
  if (!a.done) return true;
  usage_ = usage_of(a.prompt_eval_count, a.eval_count);
  emit(out, choice([](Writer&) {}, finish_reason_for(a.done_reason, calls_ > 0)));
  if (include_usage_) {
    emit(out, [&](Writer& w) {
      w.Key("choices");
      w.StartArray();
      w.EndArray();
      w.Key("usage");
      write_usage(w, a.prompt_eval_count, a.eval_count);
    });
  }
  out.set_usage(out.ctx, &usage_);
  phase_ = Phase::kDone;
  return false;
}

}  // namespace llmgw::provider_ollama
