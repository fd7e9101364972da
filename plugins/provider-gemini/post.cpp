#include "post.hpp"

#include "encode.hpp"

#include <llmgw/plugin.hpp>

#include <string>

namespace llmgw::provider_gemini {

void post_to_model(const Config& cfg, std::string_view base, std::string_view model_segment, std::string_view suffix,
                   const rapidjson::StringBuffer& body, const llmgw_request_out& out) {
  std::string url;
  url.reserve(base.size() + model_segment.size() + suffix.size());
  url.append(base).append(model_segment).append(suffix);
  out.set_method(out.ctx, str("POST"));
  out.set_url(out.ctx, str(url));
  add_headers(cfg, out);
  out.append_body(out.ctx, llmgw_str{body.GetString(), body.GetSize()});
}

}  // namespace llmgw::provider_gemini
