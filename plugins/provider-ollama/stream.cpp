#include "stream.hpp"

#include "answer.hpp"
#include "errors.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>

#include <cstring>

namespace llmgw::provider_ollama {

using namespace plugin_util::json;

Stream::Stream(const Config& cfg, bool include_usage, std::string_view model, int64_t created)
    : cfg_(cfg), include_usage_(include_usage), chunks_({}, model, created) {}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  if (usage_.prompt_tokens >= 0) out.set_usage(out.ctx, &usage_);
  return phase_.fail(std::move(e));
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  while (phase_.more() && !bytes.empty()) {
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
  return phase_.status(out);
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  if (phase_.more() && !line_.empty()) {
    std::string line;
    line.swap(line_);
    on_line(line, out);
  }
  if (phase_.more()) fail(bad_response("upstream stream ended before \"done\": true"), out);
  return phase_.status(out);
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
    if (!a.model.empty()) chunks_.set_model(a.model);
    chunks_.set_id("chatcmpl-ollama-" + tool_call_id(created_at_, 0, chunks_.model(), {}).substr(5));
    chunks_.role(out);
  }
  if (!a.thinking.empty()) chunks_.reasoning(out, a.thinking);
  if (!a.content.empty()) chunks_.content(out, a.content);
  for (const ToolCall& c : a.calls) {
    const std::size_t index = calls_++;
    const std::string id = tool_call_id(created_at_, index, c.name, c.upstream_id);
    chunks_.tool_call(out, index, id, c.name, c.arguments);
  }
  if (!a.done) return true;
  usage_ = usage_of(a.prompt_eval_count, a.eval_count);
  chunks_.finish(out, finish_reason_for(a.done_reason, calls_ > 0));
  if (include_usage_) chunks_.usage(out, [&](Writer& w) { write_usage(w, a.prompt_eval_count, a.eval_count); });
  out.set_usage(out.ctx, &usage_);
  phase_.done();
  return false;
}

}  // namespace llmgw::provider_ollama
