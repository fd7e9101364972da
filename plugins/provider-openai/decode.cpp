#include "decode.hpp"

#include "errors.hpp"

#include <openai_compat/json_scan.hpp>

#include <llmgw/plugin.hpp>

namespace llmgw::provider_openai {

llmgw_status decode(const Config& cfg, const llmgw_upstream_response& r, const llmgw_result_out& out,
                    int64_t now_unix_ms) {
  if (r.status < 200 || r.status > 299) return report_error(out, error_from_response(cfg, r, now_unix_ms));

  const openai_compat::JsonScan scan = openai_compat::scan_json(view(r.body));
  if (scan.too_deep) {
    Error e = bad_response("upstream returned HTTP " + std::to_string(r.status) +
                           " with a JSON body that nests arrays and objects deeper than " +
                           std::to_string(kJsonMaxDepth) + " levels");
    e.code = "upstream_json_too_deep";
    return report_error(out, e);
  }
  if (!scan.valid || !scan.root_object) {
    return report_error(out, bad_response("upstream returned HTTP " + std::to_string(r.status) +
                                  (scan.valid ? " with a JSON body that is not an object"
                                              : " with a body that is not valid JSON (at byte " +
                                                    std::to_string(scan.error_offset) + ")")));
  }
  if (scan.has_error) return report_error(out, error_from_embedded(cfg, view(r.body)));
  out.use_upstream_body(out.ctx);
  if (scan.has_usage) out.set_usage(out.ctx, &scan.usage);
  return LLMGW_OK;
}

}  // namespace llmgw::provider_openai
