// The Redis limiter's tests need a real redis-server: without one they are skipped (exit 77).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <spdlog/spdlog.h>

#include <cstdio>

#include "redis_server.hpp"

int main(int argc, char** argv) {
  if (!llmgw::test::redis_server_available()) {
    std::fprintf(stderr, "SKIPPED: redis-server is not on the PATH (scripts/install-deps.sh installs it)\n");
    return 77;
  }
  spdlog::set_level(spdlog::level::err);
  return Catch::Session().run(argc, argv);
}
