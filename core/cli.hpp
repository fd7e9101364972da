// Command-line options of the llmgw binary.
#pragma once

#include <optional>
#include <string>

namespace llmgw {

struct CliOptions {
  enum class Mode { Serve, Version, CheckConfig, Help } mode = Mode::Serve;
  std::string config_path = "config/llmgw.yaml";
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> log_level;
  bool strict = false;  // --strict: deployments that cannot be served are errors
};

/// Parses argv. Throws std::invalid_argument with a one-line message on bad usage.
CliOptions parse_cli(int argc, char** argv);

extern const char* const kUsage;

}  // namespace llmgw
