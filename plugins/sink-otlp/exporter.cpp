#include "exporter.hpp"

#include <stdexcept>
#include <string>

namespace llmgw::sink_otlp {
namespace {

constexpr std::string_view kContentType = "content-type", kJson = "application/json";
constexpr uint64_t kMinuteNs = 60ull * 1000 * 1000 * 1000;

}  // namespace

Exporter::Exporter(Host host, Config config) : host_(host), config_(std::move(config)) {
  if (!host_.has_http_post())
    throw std::invalid_argument("this gateway offers no http_post (ABI 1.0); sink-otlp needs ABI 1.1");
  headers_.push_back(llmgw_header{str(kContentType), str(kJson)});
  for (const auto& [name, value] : config_.headers) headers_.push_back(llmgw_header{str(name), str(value)});
}

void Exporter::emit(const llmgw_sink_event& event) {
  if (event.type != LLMGW_EVENT_REQUEST) return;
  batch_.add(std::string_view(event.json.ptr, event.json.len));
  if (batch_.requests() >= config_.batch_size) export_batch();
}

void Exporter::flush() {
  if (!batch_.empty()) export_batch();
}

void Exporter::export_batch() {
  const std::string body = batch_.export_body(config_.service_name);
  batch_.clear();
  std::string response;
  const int status = host_.http_post(config_.endpoint, headers_, body, config_.timeout_ms, response);
  if (status >= 200 && status < 300) {
    ++exported_;
    return;
  }
  const std::string why = status == 0 ? response : "the collector answered " + std::to_string(status) + ": " +
                                                       response.substr(0, 200);
  const uint64_t now = host_.now_ns();
  if (failures_logged_at_ns_ < 0 || now - static_cast<uint64_t>(failures_logged_at_ns_) >= kMinuteNs) {
    failures_logged_at_ns_ = static_cast<int64_t>(now);
    host_.log(LLMGW_LOG_WARN, "export to " + config_.endpoint + " failed (batch dropped): " + why);
  }
  throw std::runtime_error(why);
}

}  // namespace llmgw::sink_otlp
