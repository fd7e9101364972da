// general_settings.rate_limit_fail_closed / rate_limit_redis_timeout_ms (core/limits).
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

TEST_CASE("rate-limit settings: defaults fail open with a 100 ms Redis deadline", "[config]") {
  const Config cfg = load("model_list: []\n");
  CHECK_FALSE(cfg.rate_limit_fail_closed);
  CHECK(cfg.rate_limit_redis_timeout_ms == 100);
}

TEST_CASE("rate-limit settings are read from general_settings and range-checked", "[config]") {
  const Config cfg = load("general_settings:\n  rate_limit_fail_closed: true\n  rate_limit_redis_timeout_ms: 20\nmodel_list: []\n");
  CHECK(cfg.rate_limit_fail_closed);
  CHECK(cfg.rate_limit_redis_timeout_ms == 20);
  CHECK_THROWS_AS(load("general_settings:\n  rate_limit_redis_timeout_ms: 0\n"), ConfigError);
  CHECK_THROWS_AS(load("general_settings:\n  rate_limit_fail_closed: maybe\n"), ConfigError);
}
