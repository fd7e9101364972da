// sink-otlp's config: where traces go and how they are batched.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgw::sink_otlp {

struct Config {
  std::string endpoint;                                   // http://host:4318/v1/traces
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (an API key for a SaaS collector)
  std::string service_name = "llmgw";
  uint32_t timeout_ms = 5000;
  std::size_t batch_size = 64;                            // requests per POST (flush sends fewer)
};

/// Reads the config JSON; throws std::invalid_argument with one line naming the field.
Config parse_config(std::string_view json);

}  // namespace llmgw::sink_otlp
