#include "shared_state/redis_client.hpp"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>

namespace llmgw::shared_state {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::Integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::String;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::Status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::Error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::Array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::Nil;
  }
  return out;
}

}  // namespace

std::string describe(const RedisTarget& t) {
  return (t.unix_socket() ? "unix:" + t.host : t.host + ":" + std::to_string(t.port)) + " db " + std::to_string(t.db) +
         (t.password.empty() ? "" : " (with password)");
}

int64_t reply_int(const RedisReply& r, int64_t fallback) {
  if (r.type == RedisReply::Type::Integer) return r.integer;
  if (r.type != RedisReply::Type::String) return fallback;
  int64_t v = 0;
  const char* end = r.str.data() + r.str.size();
  auto [p, ec] = std::from_chars(r.str.data(), end, v);
  return ec == std::errc() && p == end ? v : fallback;
}

RedisClient::RedisClient(RedisTarget target, std::chrono::milliseconds io_timeout)
    : target_(std::move(target)), timeout_(io_timeout) {}

RedisClient::~RedisClient() { disconnect(); }

void RedisClient::disconnect() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
  queued_ = 0;
}

bool RedisClient::fail(std::string why) {
  error_ = std::move(why);
  disconnect();
  return false;
}

bool RedisClient::connect() {
  disconnect();
  ctx_ = target_.unix_socket()
             ? redisConnectUnixWithTimeout(target_.host.c_str(), to_timeval(timeout_))
             : redisConnectWithTimeout(target_.host.c_str(), target_.port, to_timeval(timeout_));
  if (!ctx_) return fail("cannot allocate a Redis context");
  if (ctx_->err) return fail(std::string("connect: ") + ctx_->errstr);
  if (redisSetTimeout(ctx_, to_timeval(timeout_)) != REDIS_OK) return fail("cannot set the command timeout");
  std::vector<RedisReply> replies;
  if (!target_.password.empty()) append({"AUTH", target_.password});
  if (target_.db != 0) {
    const std::string db = std::to_string(target_.db);
    append({"SELECT", db});
  }
  if (queued_ == 0) append({"PING"});
  if (!exchange(replies)) {
    error_ = "login: " + error_;
    return false;
  }
  return true;
}

std::size_t RedisClient::append(const std::vector<std::string_view>& argv) {
  if (!ctx_) return queued_++;
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (auto a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  return queued_++;
}

bool RedisClient::exchange_all(const std::vector<std::vector<std::string>>& commands) {
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& command : commands) {
    views.assign(command.begin(), command.end());
    append(views);
  }
  std::vector<RedisReply> replies;
  return exchange(replies);
}

bool RedisClient::exchange(std::vector<RedisReply>& replies) {
  replies.clear();
  const std::size_t n = queued_;
  queued_ = 0;
  if (!ctx_) return fail(error_.empty() ? "not connected" : error_);
  replies.reserve(n);
  std::string first_error;
  for (std::size_t i = 0; i < n; ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || !raw) {
      // A read timeout shows as "Resource temporarily unavailable".
      const std::string why = ctx_->errstr[0] ? ctx_->errstr : "connection lost";
      if (raw) freeReplyObject(raw);
      return fail(why);
    }
    auto* reply = static_cast<redisReply*>(raw);
    replies.push_back(convert(reply));
    freeReplyObject(reply);
    if (replies.back().type == RedisReply::Type::Error && first_error.empty()) first_error = replies.back().str;
  }
  // Every reply was read (the connection is in step), but an error reply means this round's
  // view is incomplete (NOAUTH, LOADING, a wrong db ...): treat it as Redis being unavailable.
  if (!first_error.empty()) return fail(first_error);
  return true;
}

}  // namespace llmgw::shared_state
