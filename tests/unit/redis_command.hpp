// A blocking hiredis connection for unit tests that drive Redis scripts by hand (EVAL with the
// time given): one command at a time, its reply checked to exist.
#pragma once

#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <string>
#include <vector>

namespace llmgw::testing {

struct RedisCommand {
  explicit RedisCommand(int port) : c(redisConnect("127.0.0.1", port)) { REQUIRE((c && !c->err)); }
  ~RedisCommand() { redisFree(c); }
  RedisCommand(const RedisCommand&) = delete;
  RedisCommand& operator=(const RedisCommand&) = delete;

  /// The reply to `args` (free it with freeReplyObject).
  redisReply* command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
    REQUIRE(r);
    return r;
  }
  /// Runs `args` and frees its reply (a command whose answer the test does not read).
  void run(const std::vector<std::string>& args) { freeReplyObject(command(args)); }
  /// A command's reply as an integer (a numeric string reply too); -100 when it is neither.
  long long integer(const std::vector<std::string>& args) {
    auto* r = command(args);
    long long v = -100;
    if (r->type == REDIS_REPLY_INTEGER) v = r->integer;
    if (r->type == REDIS_REPLY_STRING) v = std::stoll(std::string(r->str, r->len));
    freeReplyObject(r);
    return v;
  }

  redisContext* c;
};

}  // namespace llmgw::testing
