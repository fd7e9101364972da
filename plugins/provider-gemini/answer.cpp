#include "answer.hpp"

#include "errors.hpp"
#include "json_util.hpp"

#include <llmgw/plugin.hpp>

#include <plugin_util/bounded_json.hpp>

#include <string>

namespace llmgw::provider_gemini {

using namespace json;

std::optional<llmgw_status> parse_answer(const Config& cfg, const llmgw_upstream_response& r,
                                         const llmgw_result_out& out, rapidjson::Document& doc) {
  switch (plugin_util::parse_bounded(doc, view(r.body))) {
    case plugin_util::JsonParse::kOk: break;
    case plugin_util::JsonParse::kTooDeep:
      return report_error(out, bad_response("upstream returned a body nested deeper than 128 levels"));
    case plugin_util::JsonParse::kSyntax:
      return report_error(out, bad_response("upstream returned HTTP " + std::to_string(r.status) + " with a body that is not JSON"));
  }
  if (!doc.IsObject()) return report_error(out, bad_response("upstream returned a body that is not a JSON object"));
  if (const Value* err = member(doc, "error"); err && err->IsObject())
    return report_error(out, error_from_fields(cfg, error_fields(*err), 0, -1));
  return std::nullopt;
}

}  // namespace llmgw::provider_gemini
