#include "cli.hpp"

#include <stdexcept>
#include <string_view>

namespace llmgw {

const char* const kUsage =
    "usage: llmgw [--config FILE] [--host H] [--port N] [--log-level L]\n"
    "       llmgw --check-config FILE [--strict]\n"
    "       llmgw --version\n"
    "  --config FILE        gateway config (llmgw YAML or a LiteLLM proxy config); default config/llmgw.yaml\n"
    "  --host H             listen address (overrides server.host)\n"
    "  --port N             listen port, 0 picks a free one (overrides server.port)\n"
    "  --log-level L        trace|debug|info|warn|error|critical|off (overrides log_level)\n"
    "  --check-config FILE  validate FILE and its plugins, then exit (non-zero on errors)\n"
    "  --strict             a deployment that cannot be served is an error, not a warning\n";

CliOptions parse_cli(int argc, char** argv) {
  CliOptions o;
  auto value = [&](int& i, std::string_view flag) -> std::string {
    if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + " needs a value");
    return argv[++i];
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--version" || a == "-v") o.mode = CliOptions::Mode::Version;
    else if (a == "--help" || a == "-h") o.mode = CliOptions::Mode::Help;
    else if (a == "--config" || a == "-c") o.config_path = value(i, a);
    else if (a == "--check-config") { o.mode = CliOptions::Mode::CheckConfig; o.config_path = value(i, a); }
    else if (a == "--strict") o.strict = true;
    else if (a == "--host") o.host = value(i, a);
    else if (a == "--log-level") o.log_level = value(i, a);
    else if (a == "--port") {
      std::string v = value(i, a);
      std::size_t used = 0;
      int port = -1;
      try { port = std::stoi(v, &used); } catch (...) {}
      if (used != v.size() || port < 0 || port > 65535) throw std::invalid_argument("--port must be 0..65535, got '" + v + "'");
      o.port = port;
    } else {
      throw std::invalid_argument("unknown argument '" + std::string(a) + "'");
    }
  }
  return o;
}

}  // namespace llmgw
