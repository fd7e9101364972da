#include "observe/access_log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>

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
  // Access lines are JSON only, on a sink of their own so no pattern change reaches them.
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

void log_access(const AccessRecord& r) {
  static auto logger = spdlog::get("access");
  if (!logger || !logger->should_log(spdlog::level::info)) return;
  std::string line;
  line.reserve(256);
  line += "\"type\":\"access\",\"method\":";
  util::append_json_string(line, r.method);
  line += ",\"path\":";
  util::append_json_string(line, r.path);
  line += ",\"status\":" + std::to_string(r.status);
  line += ",\"attempts\":" + std::to_string(r.attempts);
  line += ",\"model\":";
  util::append_json_string(line, r.model);
  line += ",\"deployment\":";
  util::append_json_string(line, r.deployment);
  line += ",\"stream\":";
  line += r.stream ? "true" : "false";
  line += ",\"passthrough\":";
  line += r.passthrough ? "true" : "false";
  line += ",\"latency_ms\":" + std::to_string(static_cast<double>(r.latency_us) / 1000.0);
  line += ",\"prompt_tokens\":" + std::to_string(r.usage.prompt_tokens);
  line += ",\"completion_tokens\":" + std::to_string(r.usage.completion_tokens);
  line += ",\"cached_tokens\":" + std::to_string(r.usage.cached_tokens);
  line += "}";
  logger->info(line);
}

}  // namespace llmgw::observe
