#include "errors.hpp"

#include <openai_compat/error_body.hpp>
#include <openai_compat/retry_after.hpp>

#include <vector>

namespace llmgw::provider_openai {

namespace oc = llmgw::openai_compat;

Error error_from_response(const Config& cfg, const llmgw_upstream_response& r, int64_t now_unix_ms) {
  const int64_t retry = oc::retry_after_from_headers(r.headers, r.header_count, now_unix_ms);
  Error e = oc::classify_error(r.status, oc::parse_error_body(view(r.body)), retry);
  scrub(cfg, e);
  return e;
}

Error error_from_embedded(const Config& cfg, std::string_view body) {
  oc::ErrorFields fields = oc::parse_error_body(body);
  const int status = oc::status_for_embedded_error(fields);
  Error e = oc::classify_error(status, std::move(fields), -1);
  scrub(cfg, e);
  return e;
}

Error bad_response(std::string message) { return bad_response_error(std::move(message), "server_error"); }

void scrub(const Config& cfg, Error& e) {
  std::vector<std::string_view> secrets(cfg.secrets.begin(), cfg.secrets.end());
  for (std::string* field : {&e.message, &e.type, &e.code, &e.param})
    oc::redact(*field, secrets.data(), secrets.size());
}

}  // namespace llmgw::provider_openai
