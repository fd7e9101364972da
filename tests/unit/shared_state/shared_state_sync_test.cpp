// SharedStateSync against a real redis-server: two sync objects stand for two gateway
// instances sharing one Redis.
#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <array>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>

#include "redis_server.hpp"
#include "shared_state/shared_state_sync.hpp"

using namespace llmgw;
using namespace llmgw::shared_state;
using namespace std::chrono_literals;
using canonical::steady_ms;
using canonical::unix_ms;

namespace {

SyncOptions fast_options() {
  SyncOptions o;
  o.interval = 20ms;
  o.io_timeout = 200ms;
  o.max_backoff = 50ms;
  return o;
}

/// One gateway instance: two deployments (the same ids on every instance) and its sync.
struct Instance {
  std::array<routing::DeploymentState, 2> states;
  SharedStateSync sync;
  explicit Instance(int port, std::string password = "", int db = 0, SyncOptions options = fast_options())
      : sync(RedisTarget{"127.0.0.1", port, std::move(password), db},
             {{"pool#0", &states[0]}, {"pool#1", &states[1]}}, std::move(options)) {}
  int64_t cooldown(std::size_t i) const { return states[i].cooldown_until_ms.load(); }
};

/// One command on a fresh connection; its reply.
RedisReply command(int port, const std::vector<std::string_view>& argv, std::string password = "", int db = 0) {
  RedisClient c(RedisTarget{"127.0.0.1", port, std::move(password), db}, 1000ms);
  REQUIRE(c.connect());
  c.append(argv);
  std::vector<RedisReply> replies;
  REQUIRE(c.exchange(replies));
  return replies.at(0);
}

/// Routes the default logger into a string for the life of the object.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l %v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  /// Lines at `level` containing `needle`.
  int count(std::string_view level, std::string_view needle) const {
    std::istringstream in(out_.str());
    int n = 0;
    for (std::string line; std::getline(in, line);)
      if (line.rfind(std::string(level) + " ", 0) == 0 && line.find(needle) != std::string::npos) ++n;
    return n;
  }
  std::string text() const { return out_.str(); }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> previous_;
};

/// Keeps a test's counting inside one minute (usage keys are per minute).
void away_from_minute_edge() {
  const int64_t into = unix_ms() % 60'000;
  if (into > 55'000) std::this_thread::sleep_for(std::chrono::milliseconds(60'000 - into + 100));
}

/// Calls sync_once until it reaches Redis (the backoff lets it try every few tens of ms).
bool sync_until_up(SharedStateSync& sync, std::chrono::milliseconds within = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (sync.sync_once()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

}  // namespace

TEST_CASE("a cooldown set on one instance is imported by the other, expiring with it") {
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  REQUIRE(a.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  CHECK(a.sync.available());

  a.states[0].cool_until(steady_ms() + 5000);
  REQUIRE(a.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  CHECK(std::abs(b.cooldown(0) - a.cooldown(0)) <= 20);
  CHECK(b.cooldown(1) == 0);
  const int64_t ttl = command(redis.port(), {"PTTL", "llmgw:cooldown:pool#0"}).integer;
  CHECK(ttl > 4500);
  CHECK(ttl <= 5000);

  // And the other way round, on the other deployment.
  b.states[1].cool_until(steady_ms() + 3000);
  REQUIRE(b.sync.sync_once());
  REQUIRE(a.sync.sync_once());
  CHECK(std::abs(a.cooldown(1) - b.cooldown(1)) <= 20);
}

TEST_CASE("the sync never lowers a local cooldown; the later one wins everywhere") {
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  a.states[0].cool_until(steady_ms() + 2000);
  const int64_t b_until = steady_ms() + 10'000;
  b.states[0].cool_until(b_until);
  REQUIRE(a.sync.sync_once());  // publishes 2 s
  REQUIRE(b.sync.sync_once());  // publishes 10 s over it, imports nothing lower
  CHECK(b.cooldown(0) == b_until);
  REQUIRE(a.sync.sync_once());  // imports 10 s
  CHECK(std::abs(a.cooldown(0) - b_until) <= 20);
}

TEST_CASE("no cooldown longer than max_cooldown is written to Redis or taken from it") {
  test::RedisServer redis;
  SyncOptions capped = fast_options();
  capped.max_cooldown = 3000ms;
  Instance a(redis.port(), "", 0, capped), b(redis.port(), "", 0, capped);
  // A local cooldown years ahead (as a Retry-After: 99999999 once made) is published capped.
  a.states[0].cool_until(steady_ms() + 99'999'999'000);
  REQUIRE(a.sync.sync_once());
  const int64_t ttl = command(redis.port(), {"PTTL", "llmgw:cooldown:pool#0"}).integer;
  CHECK(ttl > 0);
  CHECK(ttl <= 3000);
  REQUIRE(b.sync.sync_once());
  CHECK(b.cooldown(0) > steady_ms());
  CHECK(b.cooldown(0) <= steady_ms() + 3000);
  // A key written by hand (or by an older version) with an end years ahead is read capped.
  const std::string years = std::to_string(unix_ms() + 10LL * 365 * 86'400'000);
  command(redis.port(), {"SET", "llmgw:cooldown:pool#1", years, "PX", "60000"});
  REQUIRE(b.sync.sync_once());
  CHECK(b.cooldown(1) > steady_ms());
  CHECK(b.cooldown(1) <= steady_ms() + 3000);
}

TEST_CASE("a success clears the shared cooldown and is not undone by the stale key") {
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  a.states[0].cool_until(steady_ms() + 10'000);
  REQUIRE(a.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  REQUIRE(b.cooldown(0) > steady_ms());

  // B's probe succeeds (the pipeline calls mark_healthy): B must not re-import the cooldown,
  // and A learns of the success.
  b.states[0].mark_healthy();
  REQUIRE(b.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  CHECK(b.cooldown(0) == 0);
  CHECK(command(redis.port(), {"GET", "llmgw:cooldown:pool#0"}).str == "0");
  REQUIRE(a.sync.sync_once());
  CHECK(a.cooldown(0) == 0);

  SECTION("a failure after the success cools the deployment again everywhere") {
    a.states[0].cool_until(steady_ms() + 4000);
    REQUIRE(a.sync.sync_once());
    REQUIRE(b.sync.sync_once());
    CHECK(b.cooldown(0) > steady_ms() + 3000);
  }
}

TEST_CASE("a success does not clear a cooldown that a later failure elsewhere set") {
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  a.states[0].cool_until(steady_ms() + 5000);
  REQUIRE(a.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  // A fails again (longer cooldown) before B reports its success.
  a.states[0].cool_until(steady_ms() + 20'000);
  REQUIRE(a.sync.sync_once());
  b.states[0].mark_healthy();
  REQUIRE(b.sync.sync_once());
  CHECK(b.cooldown(0) > steady_ms() + 15'000);
  REQUIRE(a.sync.sync_once());
  CHECK(a.cooldown(0) > steady_ms() + 15'000);
}

TEST_CASE("usage counts of the minute add up across instances, without double counting") {
  away_from_minute_edge();
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  const int64_t now = unix_ms();
  for (int i = 0; i < 3; ++i) a.states[0].on_start(now);
  a.states[0].add_tokens(100, now);
  for (int i = 0; i < 2; ++i) b.states[0].on_start(now);
  b.states[0].add_tokens(50, now);
  REQUIRE(a.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  REQUIRE(a.sync.sync_once());
  for (auto* i : {&a, &b}) {
    CHECK(i->states[0].shared_requests.load() == 5);
    CHECK(i->states[0].shared_tokens.load() == 150);
    CHECK(i->states[0].requests_in_minute(unix_ms()) == 5);
    CHECK(i->states[0].tokens_in_minute(unix_ms()) == 150);
    CHECK(i->states[1].shared_requests.load() == 0);
  }
  // Rounds without new traffic change nothing; one more request counts once.
  a.states[0].on_start(unix_ms());
  for (int round = 0; round < 3; ++round) {
    REQUIRE(a.sync.sync_once());
    REQUIRE(b.sync.sync_once());
  }
  CHECK(b.states[0].requests_in_minute(unix_ms()) == 6);
  CHECK(a.states[0].requests_in_minute(unix_ms()) == 6);
}

TEST_CASE("Redis killed: no exception, one warning, counted; local state kept; resync when back") {
  away_from_minute_edge();
  LogCapture log;
  test::RedisServer redis;
  Instance a(redis.port());
  a.states[0].cool_until(steady_ms() + 30'000);
  const int64_t now = unix_ms();
  a.states[0].on_start(now);
  a.states[0].on_start(now);
  REQUIRE(a.sync.sync_once());
  CHECK(log.count("info", "sharing cooldowns and usage counters through Redis") == 1);
  REQUIRE(a.states[0].shared_requests.load() == 2);
  const int64_t until = a.cooldown(0);
  const uint64_t before = SharedStateSync::unavailable_total();

  redis.kill();
  bool ok = true;
  REQUIRE_NOTHROW(ok = a.sync.sync_once());
  CHECK_FALSE(ok);
  CHECK_FALSE(a.sync.available());
  for (int i = 0; i < 5; ++i) {  // more rounds, reconnect attempts included
    std::this_thread::sleep_for(60ms);
    REQUIRE_NOTHROW(ok = a.sync.sync_once());
    CHECK_FALSE(ok);
  }
  CHECK(SharedStateSync::unavailable_total() == before + 1);
  CHECK(log.count("warning", "is unavailable") == 1);
  // Routing falls back to the local state.
  CHECK(a.cooldown(0) == until);
  CHECK(a.states[0].shared_requests.load() == -1);
  CHECK(a.states[0].requests_in_minute(unix_ms()) == 2);

  // Meanwhile: a new cooldown and one more request. Then Redis comes back, empty.
  a.states[1].cool_until(steady_ms() + 20'000);
  a.states[0].on_start(unix_ms());
  redis.restart();
  REQUIRE(sync_until_up(a.sync));
  CHECK(a.sync.available());
  CHECK(log.count("info", "is back") == 1);
  CHECK(log.count("warning", "is unavailable") == 1);

  // A fresh instance sees both cooldowns (the one from before the outage was put back) and the
  // usage of the whole minute.
  Instance b(redis.port());
  REQUIRE(b.sync.sync_once());
  CHECK(std::abs(b.cooldown(0) - until) <= 20);
  CHECK(b.cooldown(1) > steady_ms() + 15'000);
  CHECK(b.states[0].shared_requests.load() == 3);
}

TEST_CASE("a hung Redis costs a round at most the I/O timeout and counts nothing twice") {
  away_from_minute_edge();
  LogCapture log;
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  a.states[0].on_start(unix_ms());
  REQUIRE(a.sync.sync_once());
  const uint64_t before = SharedStateSync::unavailable_total();

  redis.pause();
  a.states[0].on_start(unix_ms());  // written into the socket, answered only after the resume
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(a.sync.sync_once());
  CHECK(std::chrono::steady_clock::now() - t0 < 600ms);
  CHECK(SharedStateSync::unavailable_total() == before + 1);
  CHECK(a.states[0].requests_in_minute(unix_ms()) == 2);

  redis.resume();
  REQUIRE(sync_until_up(a.sync));
  REQUIRE(b.sync.sync_once());
  CHECK(b.states[0].shared_requests.load() == 2);
  CHECK(log.count("warning", "is unavailable") == 1);
}

TEST_CASE("AUTH and SELECT; the password never reaches the log") {
  test::RedisServer redis({"--requirepass", "s3cret-pw"});
  LogCapture log;
  Instance a(redis.port(), "s3cret-pw", 2), b(redis.port(), "s3cret-pw", 2);
  a.states[1].cool_until(steady_ms() + 5000);
  REQUIRE(a.sync.sync_once());
  REQUIRE(b.sync.sync_once());
  CHECK(b.cooldown(1) > steady_ms() + 4000);
  CHECK(command(redis.port(), {"EXISTS", "llmgw:cooldown:pool#1"}, "s3cret-pw", 2).integer == 1);
  CHECK(command(redis.port(), {"EXISTS", "llmgw:cooldown:pool#1"}, "s3cret-pw", 0).integer == 0);

  Instance wrong(redis.port(), "not-the-password");
  CHECK_FALSE(wrong.sync.sync_once());
  CHECK(log.count("warning", "(with password)") == 1);
  CHECK(log.text().find("s3cret-pw") == std::string::npos);
  CHECK(log.text().find("not-the-password") == std::string::npos);
}

TEST_CASE("the thread syncs in the background and stops promptly, with Redis up or down") {
  test::RedisServer redis;
  Instance a(redis.port()), b(redis.port());
  a.sync.start();
  b.sync.start();
  a.states[0].cool_until(steady_ms() + 5000);
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (b.cooldown(0) == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  CHECK(b.cooldown(0) > steady_ms());

  redis.kill();
  std::this_thread::sleep_for(100ms);
  auto t0 = std::chrono::steady_clock::now();
  a.sync.stop();
  b.sync.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < 500ms);
  CHECK_FALSE(a.sync.available());
}

TEST_CASE("a config without deployments syncs nothing and fails nothing") {
  test::RedisServer redis;
  SharedStateSync sync(RedisTarget{"127.0.0.1", redis.port(), "", 0}, {}, fast_options());
  CHECK(sync.sync_once());
  CHECK(sync.sync_once());
}

TEST_CASE("the blocking client over a Unix domain socket (the ledger's commit marks, the sync)") {
  const std::string path = "/tmp/llmgw-shared-" + std::to_string(::getpid()) + ".sock";
  test::RedisServer redis({"--unixsocket", path, "--unixsocketperm", "700"});
  RedisClient c(RedisTarget{path, 0, "", 1}, 1000ms);
  CHECK(describe(RedisTarget{path, 0, "", 1}) == "unix:" + path + " db 1");
  REQUIRE(c.connect());
  c.append({"SET", "llmgw:unix-probe", "7"});
  std::vector<RedisReply> replies;
  REQUIRE(c.exchange(replies));
  CHECK(command(redis.port(), {"GET", "llmgw:unix-probe"}, "", 1).str == "7");  // db 1, seen over TCP
  RedisClient nowhere(RedisTarget{path + ".none", 0, "", 0}, 200ms);
  CHECK_FALSE(nowhere.connect());
}
