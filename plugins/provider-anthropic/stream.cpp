#include "stream.hpp"

#include <llmgw/plugin.hpp>

#include <utility>

namespace llmgw::provider_anthropic {

Stream::Stream(const Config& cfg, bool passthrough, RequestFacts facts, std::string_view model, int64_t created)
    : cfg_(cfg), passthrough_(passthrough), facts_(std::move(facts)), model_(model), created_(created) {}

llmgw_status Stream::status(const llmgw_event_out& out) {
  switch (phase_) {
    case Phase::kMore: return LLMGW_NEED_MORE;
    case Phase::kDone: return LLMGW_DONE;
    case Phase::kError: break;
  }
  return report_error(out, error_);
}

void Stream::report_usage(const llmgw_event_out& out) {
  if (!usage_.any()) return;
  const llmgw_usage u = usage_.to_llmgw();
  out.set_usage(out.ctx, &u);
}

bool Stream::fail(Error e, const llmgw_event_out& out) {
  if (!passthrough_) report_usage(out);  // what was spent before the failure still counts
  error_ = std::move(e);
  phase_ = Phase::kError;
  return false;
}

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  if (phase_ != Phase::kMore) return status(out);
  auto on = [&](std::string_view data) { return on_event(data, out); };
  framer_.feed(bytes, on);
  // Relayed after the look, not before: bytes holding an event refused as unreadable (nested
  // too deep) do not reach the client, which gets the error instead.
  if (passthrough_ && !bytes.empty() && !refused_) out.emit_raw(out.ctx, str(bytes));
  return status(out);
}

llmgw_status Stream::close(const llmgw_event_out& out) {
  closing_ = true;
  auto on = [&](std::string_view data) { return on_event(data, out); };
  if (phase_ == Phase::kMore) framer_.finish(on);
  if (phase_ == Phase::kMore) fail(bad_response("upstream stream ended before message_stop"), out);
  return status(out);
}

bool Stream::on_event(std::string_view data, const llmgw_event_out& out) {
  return passthrough_ ? passthrough_event(data, out) : translate_event(data, out);
}

bool Stream::passthrough_event(std::string_view data, const llmgw_event_out& out) {
  // Fast path: only the message_* and error events matter here, and Anthropic writes "type"
  // first. Data whose type is not up front is scanned to find it.
  const std::string_view lead = leading_type(data);
  if (!lead.empty() && lead != "message_start" && lead != "message_delta" && lead != "message_stop" && lead != "error")
    return true;
  if (lead == "message_stop") {
    phase_ = Phase::kDone;
    return false;
  }
  const MessageScan scan = scan_message(data);
  if (scan.too_deep) {
    refused_ = true;
    return fail(too_deep_response("upstream stream event"), out);
  }
  const std::string_view type = lead.empty() ? std::string_view(scan.type) : lead;
  if (type == "message_stop") {
    phase_ = Phase::kDone;
    return false;
  }
  if (type == "error") return fail(error_from_type(cfg_, ErrorFields{scan.error_type, scan.error_message}), out);
  if ((type == "message_start" || type == "message_delta") && scan.usage.any()) {
    usage_.merge(scan.usage);
    report_usage(out);
  }
  return true;
}

}  // namespace llmgw::provider_anthropic
