// One JSON line per request on stderr (buffered by AccessWriter: never blocks a request), at the
// "access" logger's level.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::observe {

/// Views into the request and config: fill it during the request, log it before they go.
struct AccessRecord {
  std::string_view method;
  std::string_view path;
  std::string_view model;
  std::string_view deployment;
  int status = 0;
  int attempts = 1;
  bool stream = false;
  bool passthrough = false;
  int64_t latency_us = 0;
  llmgw_usage usage{0, -1, -1, -1, -1, -1};
  std::string_view cost;  // USD, exact decimal ("0.0000325"); empty: not priced
};

/// Measures a request's latency from its construction.
struct AccessTimer {
  int64_t started_ns;
  AccessTimer();
  /// Microseconds since construction.
  int64_t elapsed_us() const;
};

/// Writes the record at info level when that level is enabled.
void log_access(const AccessRecord& record);

/// Sets up the process's loggers: stderr, `level`, asynchronous with a bounded queue that
/// drops the oldest line rather than blocking. Call once, before serving.
void init_logging(const std::string& level);

}  // namespace llmgw::observe
