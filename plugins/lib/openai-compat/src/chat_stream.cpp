#include <openai_compat/chat_stream.hpp>

#include <openai_compat/error_body.hpp>
#include <openai_compat/json_scan.hpp>

#include "find.hpp"

namespace llmgw::openai_compat {
namespace {

std::string_view trim(std::string_view s) noexcept {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

bool ChatStreamWatch::on_event(std::string_view data) {
  const std::string_view d = trim(data);
  if (d == "[DONE]") {
    state_ = Step::kDone;
    return false;
  }
  if (!stream_event_needs_scan(d)) return true;
  const JsonScan scan = scan_json(d);
  if (scan.too_deep) {
    error_ = bad_response_error("upstream stream event nests arrays and objects deeper than " +
                                    std::to_string(kJsonMaxDepth) + " levels",
                                "server_error");
    error_.code = "upstream_json_too_deep";
    refused_ = true;
    state_ = Step::kError;
    return false;
  }
  if (!scan.valid || !scan.root_object) return true;  // not JSON: relayed, nothing to learn
  if (scan.has_usage) usage_ = scan.usage, usage_pending_ = true;
  if (scan.finish_seen) finish_seen_ = true;
  if (scan.has_error) {
    ErrorFields fields = parse_error_body(d);
    const int status = status_for_embedded_error(fields);
    error_ = classify_error(status, std::move(fields), -1);
    state_ = Step::kError;
    return false;
  }
  return true;
}

ChatStreamWatch::Step ChatStreamWatch::feed(std::string_view bytes) {
  if (state_ != Step::kMore) return state_;
  auto fn = [this](std::string_view data) { return on_event(data); };
  framer_.feed(bytes, fn);
  return state_;
}

ChatStreamWatch::Step ChatStreamWatch::close() {
  if (state_ != Step::kMore) return state_;
  auto fn = [this](std::string_view data) { return on_event(data); };
  framer_.finish(fn);
  if (state_ != Step::kMore) return state_;
  if (finish_seen_) return state_ = Step::kDone;
  error_ = Error{};
  error_.error_class = LLMGW_ERR_BAD_RESPONSE;
  error_.status = 502;
  error_.type = "server_error";
  error_.code = "incomplete_stream";
  error_.message = "upstream stream ended before [DONE]";
  return state_ = Step::kError;
}

bool ChatStreamWatch::take_usage(llmgw_usage& out) noexcept {
  if (!usage_pending_) return false;
  out = usage_;
  usage_pending_ = false;
  return true;
}

}  // namespace llmgw::openai_compat
