// The request log: each request event (sdk/EVENTS.md) as one line of JSON appended to a file.
// The line is the event itself, with "request_body" removed unless include_bodies is set.
// Bodies are the ones the core hands over, i.e. after the guardrail phase: redaction (issue 12,
// guardrail-pii) happens before phase 9, never here.
#pragma once

#include <llmgw/plugin.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace llmgw::sink_request_log {

struct Config {
  std::string path;
  bool include_bodies = false;
};

/// Reads the config JSON; throws std::invalid_argument with one line naming the field.
Config parse_config(std::string_view json);

/// The line written for one event: the event's JSON with request_body removed unless
/// `include_bodies`; throws std::invalid_argument on JSON that is not an object.
std::string log_line(std::string_view event_json, bool include_bodies);

class RequestLog {
 public:
  explicit RequestLog(Config config);  // opens the file for appending; throws std::runtime_error
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  /// Appends the event's line (request events only; other types are ignored).
  void emit(const llmgw_sink_event& event);
  /// fflush: lines reach the file when the queue runs empty and at shutdown.
  void flush();

 private:
  Config config_;
  std::FILE* file_ = nullptr;
};

}  // namespace llmgw::sink_request_log
