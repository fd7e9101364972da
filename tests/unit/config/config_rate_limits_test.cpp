// general_settings.rate_limit_fail_closed / rate_limit_redis_timeout_ms / admission_lease_calls (core/limits).
#include "test_util.hpp"

using namespace llmgw::config;
using namespace llmgw::config::test;

TEST_CASE("rate-limit settings: defaults fail open with a 100 ms Redis deadline", "[config]") {
  const Config cfg = load("model_list: []\n");
  CHECK_FALSE(cfg.rate_limit_fail_closed);
  CHECK(cfg.rate_limit_redis_timeout_ms == 100);
  CHECK(cfg.admission_lease_calls == 32);
}

TEST_CASE("rate-limit settings: admission_lease_calls (0: off), range-checked", "[config]") {
  CHECK(load("general_settings:\n  admission_lease_calls: 0\nmodel_list: []\n").admission_lease_calls == 0);
  CHECK(load("general_settings:\n  admission_lease_calls: 64\nmodel_list: []\n").admission_lease_calls == 64);
  CHECK_THROWS_AS(load("general_settings:\n  admission_lease_calls: -1\n"), ConfigError);
  CHECK_THROWS_AS(load("general_settings:\n  admission_lease_calls: 5000\n"), ConfigError);
}

TEST_CASE("rate-limit settings are read from general_settings and range-checked", "[config]") {
  const Config cfg = load("general_settings:\n  rate_limit_fail_closed: true\n  rate_limit_redis_timeout_ms: 20\nmodel_list: []\n");
  CHECK(cfg.rate_limit_fail_closed);
  CHECK(cfg.rate_limit_redis_timeout_ms == 20);
  CHECK_THROWS_AS(load("general_settings:\n  rate_limit_redis_timeout_ms: 0\n"), ConfigError);
  CHECK_THROWS_AS(load("general_settings:\n  rate_limit_fail_closed: maybe\n"), ConfigError);
}

TEST_CASE("router_settings.redis_url: redis:// and a Unix domain socket (unix://)", "[config]") {
  const Config tcp = load("router_settings:\n  redis_url: redis://:pw@10.0.0.2:6380/3\nmodel_list: []\n");
  CHECK(tcp.redis.host == "10.0.0.2");
  CHECK(tcp.redis.port == 6380);
  CHECK(tcp.redis.password == "pw");
  CHECK(tcp.redis.db == 3);
  const Config sock = load("router_settings:\n  redis_url: unix:///run/redis/redis.sock\nmodel_list: []\n");
  CHECK(sock.redis.enabled());
  CHECK(sock.redis.host == "/run/redis/redis.sock");
  CHECK(sock.redis.db == 0);
  const Config sock_db = load("router_settings:\n  redis_url: unix://:secret@/tmp/r.sock?db=2\nmodel_list: []\n");
  CHECK(sock_db.redis.host == "/tmp/r.sock");
  CHECK(sock_db.redis.password == "secret");
  CHECK(sock_db.redis.db == 2);
  CHECK(error_of("router_settings:\n  redis_url: unix://relative.sock\n").find("must be absolute") != std::string::npos);
  CHECK(error_of("router_settings:\n  redis_url: unix:///tmp/r.sock?timeout=1\n").find("?db=N") != std::string::npos);
  CHECK(error_of("router_settings:\n  redis_url: unix:///tmp/r.sock?db=x\n").find("?db=N") != std::string::npos);
  CHECK(error_of("router_settings:\n  redis_url: http://x\n").find("unix:///path/redis.sock") != std::string::npos);
}
