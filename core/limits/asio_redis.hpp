// hiredis' asynchronous API on a Boost.Asio event loop: one connection per loop, used only on
// that loop's thread. hiredis asks for read and write readiness through its ev hooks
// (addRead/delRead/addWrite/delWrite/cleanup); the adapter answers each with an async_wait on a
// posix::stream_descriptor over hiredis' socket (released, never closed, by the adapter: hiredis
// owns the descriptor). A command is awaited with a deadline (a timer the reply cancels); a reply
// that comes after its deadline is dropped. The connection is opened at once and re-opened with
// backoff (100 ms doubling to 2 s) after it drops; while it is down, commands fail at once
// (while it is connecting they wait for it, within their deadline).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "shared_state/redis_client.hpp"

struct redisAsyncContext;
struct redisReply;

namespace llmgw::limits {

/// Where Redis is (router_settings.redis_*): the blocking clients' target, one description for
/// both kinds of connection.
using RedisEndpoint = shared_state::RedisTarget;

class AsyncRedis {
 public:
  /// Starts connecting on `io` (non-blocking). Construct, use and destroy on the loop's thread
  /// (or after the loop has stopped).
  AsyncRedis(boost::asio::io_context& io, RedisEndpoint endpoint);
  ~AsyncRedis();
  AsyncRedis(const AsyncRedis&) = delete;
  AsyncRedis& operator=(const AsyncRedis&) = delete;

  /// This loop's connection to `endpoint`, shared by every user on the loop: the rate limits'
  /// and the budgets' scripts of one turn go out in one write and their replies come back in one
  /// read (one wake-up of Redis and of the loop, not two). Made on first use on the loop's
  /// thread; closed with its last holder (on the loop's thread or after the loop stopped).
  static std::shared_ptr<AsyncRedis> on_loop(boost::asio::io_context& io, const RedisEndpoint& endpoint);

  /// The most arguments a command may have (send and call refuse more).
  static constexpr std::size_t kMaxArgs = 64;

  /// Connected (and AUTH/SELECT sent).
  bool ready() const { return ready_; }
  /// Connected or connecting: a command sent now goes out (send would take it).
  bool accepting() const { return ac_ != nullptr; }

  /// Sends `argv` and waits up to `timeout` for its reply; `on_reply` sees the reply (valid only
  /// during the call; an error reply too) and only if it came in time. False: no reply in time,
  /// not connected, or the connection dropped.
  boost::asio::awaitable<bool> call(const std::vector<std::string_view>& argv, std::chrono::milliseconds timeout,
                                    std::function<void(const redisReply&)> on_reply);
  /// Sends `argv` and does not wait (its reply is read and dropped). False when not connected.
  bool send(const std::vector<std::string_view>& argv);

  /// The loop's fire-and-forget batches (limits/finish_batch, policy/settle_batch) register how
  /// they send what they queued; when one batch's timer fires it calls flush_batches(), so every
  /// batch of the loop goes in that turn's one write (one wake-up of Redis, not one a batch).
  /// A hook runs on the loop's thread and must not add or remove hooks. Returns its id.
  std::size_t add_batch_flush(std::function<void()> flush);
  void remove_batch_flush(std::size_t id);
  /// Runs every registered batch's flush (in the order they were added).
  void flush_batches();

 private:
  struct Watch;
  void connect();
  void schedule_reconnect();
  static void on_connect(const redisAsyncContext* ac, int status);
  static void on_disconnect(const redisAsyncContext* ac, int status);
  bool submit(const std::vector<std::string_view>& argv, void (*fn)(redisAsyncContext*, void*, void*), void* privdata);

  boost::asio::io_context& io_;
  RedisEndpoint endpoint_;
  redisAsyncContext* ac_ = nullptr;
  bool ready_ = false;
  std::string command_;  // the wire form of the command being sent (submit), reused
  std::vector<std::pair<std::size_t, std::function<void()>>> batch_flushes_;  // add_batch_flush's
  std::size_t next_batch_id_ = 0;
  bool stopping_ = false;
  std::chrono::milliseconds backoff_{100};
  boost::asio::steady_timer reconnect_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace llmgw::limits
