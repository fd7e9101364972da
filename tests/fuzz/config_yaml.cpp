// libFuzzer target: the config loader (core/config) on YAML text — llmgw's own keys and the
// LiteLLM proxy config it accepts (model_list, litellm_params, router_settings, …).
// Checks: a config it cannot use is refused with ConfigError, its documented exception, and
// nothing else escapes (yaml-cpp's exceptions included); what it accepts has a usable shape.
#include "fuzz_util.hpp"
#include "config/config.hpp"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  try {
    const llmgw::config::Config c = llmgw::config::load_string(yaml, "/fuzz/llmgw.yaml");
    FUZZ_REQUIRE(c.server.thread_stack_kb >= 64);
    for (const auto& d : c.deployments) FUZZ_REQUIRE(!d.alias.empty());
  } catch (const llmgw::config::ConfigError&) {
  }
  return 0;
}
