#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "cli.hpp"

namespace {
llmgw::CliOptions parse(std::vector<const char*> args) {
  args.insert(args.begin(), "llmgw");
  return llmgw::parse_cli(static_cast<int>(args.size()), const_cast<char**>(args.data()));
}
}  // namespace

TEST_CASE("command line flags") {
  auto o = parse({"--config", "x.yaml", "--host", "127.0.0.1", "--port", "0", "--log-level", "warn"});
  CHECK(o.mode == llmgw::CliOptions::Mode::Serve);
  CHECK(o.config_path == "x.yaml");
  CHECK(*o.host == "127.0.0.1");
  CHECK(*o.port == 0);
  CHECK(*o.log_level == "warn");
  CHECK(parse({"--version"}).mode == llmgw::CliOptions::Mode::Version);
  auto c = parse({"--check-config", "y.yaml"});
  CHECK(c.mode == llmgw::CliOptions::Mode::CheckConfig);
  CHECK(c.config_path == "y.yaml");
  CHECK_THROWS_AS(parse({"--port", "70000"}), std::invalid_argument);
  CHECK_THROWS_AS(parse({"--port"}), std::invalid_argument);
  CHECK_THROWS_AS(parse({"--bogus"}), std::invalid_argument);
}
