#include "decode.hpp"

#include "embeddings.hpp"
#include "errors.hpp"
#include "usage.hpp"
#include "wire.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/completion_writer.hpp>
#include <plugin_util/usage_writer.hpp>

#include <string>
#include <vector>

namespace llmgw::provider_bedrock {
namespace {

using namespace plugin_util::json;
using plugin_util::Value;
using plugin_util::Writer;

struct Call {
  std::string_view id, name;
  std::string arguments;
};

struct Thinking {
  bool redacted;
  std::string_view text, signature;
};

}  // namespace

llmgw_status decode(const Config& cfg, const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_s) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  if (call.operation == LLMGW_OP_EMBEDDINGS) return decode_embeddings(cfg, call, r, out);
  rapidjson::Document doc;
  const plugin_util::JsonParse p = plugin_util::parse_bounded(doc, view(r.body));
  if (p != plugin_util::JsonParse::kOk || !doc.IsObject())
    return report_error(out, bad_response(p == plugin_util::JsonParse::kTooDeep ? "upstream returned a body nested deeper than 128 levels"
                                                                                : "upstream returned a body that is not a JSON object"));
  const Value* content = member(get(get(doc, "output"), "message"), "content");
  if (!content || !content->IsArray()) {
    if (const std::string_view m = str_member(doc, "message"); !m.empty())
      return report_error(out, error_from_exception(cfg, str_member(doc, "__type"), view(r.body)));
    return report_error(out, bad_response("upstream response has no output.message.content"));
  }
  std::string text, reasoning;
  std::vector<Call> calls;
  std::vector<Thinking> thinking;
  for (const Value& block : content->GetArray()) {
    if (const Value* t = member(block, "text"); t && t->IsString()) {
      text += sv(*t);
    } else if (const Value* use = member(block, "toolUse")) {
      const Value& input = get(*use, "input");
      calls.push_back(Call{str_member(*use, "toolUseId"), str_member(*use, "name"),
                           input.IsObject() ? compact(input) : input.IsString() ? std::string(sv(input)) : std::string("{}")});
    } else if (const Value* rc = member(block, "reasoningContent")) {
      if (const Value* rt = member(*rc, "reasoningText")) {
        reasoning += str_member(*rt, "text");
        thinking.push_back(Thinking{false, str_member(*rt, "text"), str_member(*rt, "signature")});
      } else if (const std::string_view red = str_member(*rc, "redactedContent"); !red.empty()) {
        thinking.push_back(Thinking{true, red, {}});
      }
    }
  }
  const llmgw_usage usage = usage_of(get(doc, "usage"));
  const std::string_view request_id = find_header(r.headers, r.header_count, kRequestIdHeader);
  const std::string id = request_id.empty() || request_id.size() > 128 ? "chatcmpl-bedrock-" + std::to_string(now_unix_s)
                                                                         : "chatcmpl-" + std::string(request_id);
  rapidjson::StringBuffer sb;
  Writer w(sb);
  plugin_util::write_completion(
      w, id, now_unix_s, model_id(view(call.model)),
      [&](Writer& w) {
        plugin_util::write_choice_with(
            w, 0, text, reasoning, !calls.empty(),
            [&](Writer& w) {
              for (const Call& c : calls) plugin_util::write_tool_call(w, c.id, c.name, c.arguments);
            },
            finish_reason_for(str_member(doc, "stopReason"), !calls.empty()),
            [&](Writer& w) {
              if (thinking.empty()) return;
              w.Key("thinking_blocks");
              w.StartArray();
              for (const Thinking& t : thinking) {
                w.StartObject();
                if (t.redacted) {
                  key_string(w, "type", "redacted_thinking");
                  key_string(w, "data", t.text);
                } else {
                  key_string(w, "type", "thinking");
                  key_string(w, "thinking", t.text);
                  key_string(w, "signature", t.signature);
                }
                w.EndObject();
              }
              w.EndArray();
            });
      },
      [&](Writer& w) { plugin_util::write_canonical_usage(w, usage); });
  out.append_body(out.ctx, llmgw_str{sb.GetString(), sb.GetSize()});
  out.set_usage(out.ctx, &usage);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_bedrock
