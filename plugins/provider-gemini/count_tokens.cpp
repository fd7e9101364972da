#include "count_tokens.hpp"

#include "answer.hpp"
#include "encode.hpp"
#include "errors.hpp"
#include "json_util.hpp"
#include "post.hpp"
#include "wire.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/encode_params.hpp>

#include <optional>
#include <string>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

/// The members of a GenerateContentRequest Vertex's CountTokensRequest also takes.
constexpr const char* kVertexCountMembers[] = {"contents", "systemInstruction", "tools"};

}  // namespace

llmgw_status encode_count_tokens(const Config& cfg, const llmgw_call& call, const llmgw_request_out& out,
                                 const llmgw_writer* error) {
  std::string model;
  if (const llmgw_status st = checked_chat_model(call, error, model); st != LLMGW_OK) return st;
  rapidjson::StringBuffer sb;
  try {
    rapidjson::Document body;
    plugin_util::parse_canonical_body(body, view(call.body));
    rapidjson::Document req;
    auto& a = req.GetAllocator();
    Value generate;
    translate_request(call, body, generate, a);
    req.SetObject();
    if (cfg.vertex_ai) {
      for (const char* name : kVertexCountMembers)
        if (const auto it = generate.FindMember(name); it != generate.MemberEnd())
          req.AddMember(rapidjson::StringRef(name), Value(it->value, a), a);
    } else {
      const std::string named = "models/" + model;
      generate.AddMember("model", Value(named.c_str(), static_cast<rapidjson::SizeType>(named.size()), a), a);
      req.AddMember("generateContentRequest", generate, a);
    }
    Writer w(sb);
    req.Accept(w);
  } catch (const EncodeError& e) {
    write(error, e.what());
    return e.status;
  }
  post_to_model(cfg, cfg.models_url, model, kCountTokensSuffix, sb, out);
  return LLMGW_OK;
}

llmgw_status decode_count_tokens(const Config& cfg, const llmgw_upstream_response& r, const llmgw_result_out& out) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r));
  rapidjson::Document doc;
  if (const std::optional<llmgw_status> refused = parse_answer(cfg, r, out, doc)) return *refused;
  const Value* total = member(doc, "totalTokens");
  if (!total || !total->IsInt64() || total->GetInt64() < 0)
    return report_error(out, bad_response("upstream countTokens answer has no totalTokens count"));
  const std::string answer = "{\"input_tokens\":" + std::to_string(total->GetInt64()) + "}";
  out.append_body(out.ctx, str(answer));
  return LLMGW_OK;
}

}  // namespace llmgw::provider_gemini
