// server: (llmgw's own listener settings) and log_level.
#include <algorithm>
#include <cctype>
#include <climits>
#include <iterator>
#include <string_view>

#include "config/sections.hpp"

namespace llmgw::config::detail {

void parse_server(Reader& r, const Entry& server, ServerSettings& out) {
  const std::string path = "server";
  for (const Entry& e : r.entries(server.value, server.at, path)) {
    const std::string& k = e.key;
    const std::string p = join(path, k);
    if (k == "host") {
      out.host = r.required_string(e, p);
    } else if (k == "port") {
      r.read(e, p, out.port, 0, 65535);  // 0: any free port (tests)
    } else if (k == "event_loops") {
      r.read(e, p, out.event_loops, 0, 1024);
    } else if (k == "max_connections") {
      r.read(e, p, out.max_connections, 0, 10'000'000);
    } else if (k == "drain_timeout_ms") {
      r.read(e, p, out.drain_timeout_ms, 0, 86'400'000);
    } else if (k == "max_threads") {
      r.read(e, p, out.max_threads, 1, 65536);
    } else if (k == "max_queued") {
      r.read(e, p, out.max_queued, 0, 1'000'000);
    } else if (k == "keepalive_timeout_s") {
      r.read(e, p, out.keepalive_timeout_s, 0, 86'400);
    } else if (k == "max_keepalive_requests") {
      r.read(e, p, out.max_keepalive_requests, 0, INT_MAX);
    } else if (k == "max_body_bytes") {
      r.read_byte_size(e, p, out.max_body_bytes);
    } else if (k == "read_timeout_ms") {
      r.read(e, p, out.read_timeout_ms, 1, 86'400'000);
    } else if (k == "write_timeout_ms") {
      r.read(e, p, out.write_timeout_ms, 1, 86'400'000);
    } else if (k == "request_head_timeout_ms") {
      r.read(e, p, out.request_head_timeout_ms, 1, 86'400'000);
    } else if (k == "request_body_timeout_ms") {
      r.read(e, p, out.request_body_timeout_ms, 1, 86'400'000);
    } else if (k == "max_header_bytes") {
      r.read_byte_size(e, p, out.max_header_bytes);
    } else if (k == "max_upstream_body_bytes") {
      r.read_byte_size(e, p, out.max_upstream_body_bytes);
    } else if (k == "strict_config") {
      r.read(e, p, out.strict_config);
    } else if (k == "public_metrics") {
      r.read(e, p, out.public_metrics);
    } else if (k == "max_stream_event_bytes") {
      r.read_byte_size(e, p, out.max_stream_event_bytes);
    } else if (k == "thread_stack_kb") {
      r.read(e, p, out.thread_stack_kb, 64, 1'048'576);
    } else if (k == "max_json_depth") {
      r.read(e, p, out.max_json_depth, 1, 256);
    } else {
      r.unknown_key(e, p);
    }
  }
}

void parse_log_level(Reader& r, const Entry& log_level, std::string& out) {
  static constexpr std::string_view kLevels[] = {"trace", "debug",    "info", "warn",
                                                 "error", "critical", "off"};
  auto text = r.text(log_level.value, log_level.at, "log_level", MissingSecret::warn);
  if (!text) return;  // null: keep the default
  std::string level = *text;
  for (char& c : level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (std::find(std::begin(kLevels), std::end(kLevels), level) == std::end(kLevels)) {
    r.fail(log_level.at, "log_level", "must be one of trace, debug, info, warn, error, critical, off");
  }
  out = level;
}

}  // namespace llmgw::config::detail
