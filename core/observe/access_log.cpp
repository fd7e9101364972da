#include "observe/access_log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <ctime>

#include "observe/access_writer.hpp"
#include "util/json_escape.hpp"

namespace llmgw::observe {

void init_logging(const std::string& level) {
  spdlog::init_thread_pool(8192, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::async_logger>("llmgw", sink, spdlog::thread_pool(),
                                                       spdlog::async_overflow_policy::overrun_oldest);
  spdlog::set_default_logger(logger);
  // The global pattern also applies to plugin loggers created later (they share `sink`).
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %n: %v");
  // Access lines are JSON only, written by AccessWriter (buffered, one write per batch); this
  // logger only carries their level.
  auto access_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto access = std::make_shared<spdlog::async_logger>("access", access_sink, spdlog::thread_pool(),
                                                       spdlog::async_overflow_policy::overrun_oldest);
  spdlog::register_logger(access);
  access->set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%f%z\",%v");  // log_access writes the rest
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::warn);
}

AccessTimer::AccessTimer()
    : started_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::steady_clock::now().time_since_epoch()).count()) {}

int64_t AccessTimer::elapsed_us() const {
  return (std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::steady_clock::now().time_since_epoch()).count() - started_ns) / 1000;
}

namespace {

void append_int(std::string& out, long long v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, end);
}

/// Microseconds as milliseconds with six decimals, as std::to_string(us / 1000.0) wrote them
/// ("12.345000"), without going through printf.
void append_ms(std::string& out, int64_t us) {
  if (us < 0) {
    out.push_back('-');
    us = -us;
  }
  append_int(out, us / 1000);
  char frac[7] = {'.', '0', '0', '0', '0', '0', '0'};
  const int64_t rest = us % 1000;
  frac[1] = static_cast<char>('0' + rest / 100);
  frac[2] = static_cast<char>('0' + rest / 10 % 10);
  frac[3] = static_cast<char>('0' + rest % 10);
  out.append(frac, sizeof frac);
}

/// {"ts":"2024-05-01T12:00:00.123456+02:00", (local time, as spdlog's %Y-%m-%dT%H:%M:%S.%f%z
/// wrote it); the part down to the second is formatted once per second per thread.
void append_ts(std::string& out) {
  thread_local std::time_t at = -1;
  thread_local char second[32];
  thread_local char zone[7] = {'+', '0', '0', ':', '0', '0', 0};
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  if (t != at) {
    at = t;
    std::tm tm{};
    ::localtime_r(&t, &tm);
    std::strftime(second, sizeof second, "%Y-%m-%dT%H:%M:%S", &tm);
    const long off = tm.tm_gmtoff / 60, a = (off < 0 ? -off : off) % (100 * 60);
    zone[0] = off < 0 ? '-' : '+';
    zone[1] = static_cast<char>('0' + a / 600);
    zone[2] = static_cast<char>('0' + a / 60 % 10);
    zone[4] = static_cast<char>('0' + a % 60 / 10);
    zone[5] = static_cast<char>('0' + a % 10);
  }
  long long us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  char frac[7] = {'.'};
  for (int i = 6; i >= 1; --i, us /= 10) frac[i] = static_cast<char>('0' + us % 10);
  out += "{\"ts\":\"";
  out += second;
  out.append(frac, sizeof frac);
  out += zone;
  out += "\",";
}

}  // namespace

void log_access(const AccessRecord& r) {
  static auto logger = spdlog::get("access");  // its level decides; AccessWriter writes
  if (!logger || !logger->should_log(spdlog::level::info)) return;
  thread_local std::string line;  // keeps its capacity
  line.clear();
  append_ts(line);
  line += "\"type\":\"access\",\"method\":";
  util::append_json_string(line, r.method);
  line += ",\"path\":";
  util::append_json_string(line, r.path);
  line += ",\"status\":";
  append_int(line, r.status);
  line += ",\"attempts\":";
  append_int(line, r.attempts);
  line += ",\"model\":";
  util::append_json_string(line, r.model);
  line += ",\"deployment\":";
  util::append_json_string(line, r.deployment);
  line += ",\"stream\":";
  line += r.stream ? "true" : "false";
  line += ",\"passthrough\":";
  line += r.passthrough ? "true" : "false";
  line += ",\"latency_ms\":";
  append_ms(line, r.latency_us);
  line += ",\"prompt_tokens\":";
  append_int(line, r.usage.prompt_tokens);
  line += ",\"completion_tokens\":";
  append_int(line, r.usage.completion_tokens);
  line += ",\"cached_tokens\":";
  append_int(line, r.usage.cached_tokens);
  if (!r.cost.empty()) {
    line += ",\"cost\":";
    line += r.cost;  // a decimal number's text: valid JSON as it is
  }
  line += "}\n";
  AccessWriter::instance().append(line);
}

}  // namespace llmgw::observe
