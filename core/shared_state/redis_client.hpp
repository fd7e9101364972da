// A blocking hiredis connection with connect and command timeouts, used only by the shared-state
// sync thread (never by a request thread). Commands are pipelined: append() queues, exchange()
// sends them all and reads every reply in one round trip.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace llmgw::shared_state {

/// Where Redis is and how to log in.
struct RedisTarget {
  std::string host;      // an absolute path: a Unix domain socket (port unused)
  int port = 6379;
  std::string password;  // empty: no AUTH
  int db = 0;            // non-zero: SELECT db
  bool unix_socket() const { return !host.empty() && host.front() == '/'; }
};

/// "host:port db N" or "unix:/path db N" (never the password), for logs.
std::string describe(const RedisTarget& target);

/// One reply, flattened to what the sync reads.
struct RedisReply {
  enum class Type { Nil, Integer, String, Status, Error, Array };
  Type type = Type::Nil;
  long long integer = 0;
  std::string str;                   // String, Status, Error
  std::vector<RedisReply> elements;  // Array
};

class RedisClient {
 public:
  /// `io_timeout` bounds the connect and every read or write.
  RedisClient(RedisTarget target, std::chrono::milliseconds io_timeout);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  bool connected() const { return ctx_ != nullptr; }
  /// Connects, then AUTH and SELECT as configured. False (see error()) when any step fails.
  bool connect();
  void disconnect();

  /// Queues one command; returns the index of its reply in exchange()'s `replies`.
  std::size_t append(const std::vector<std::string_view>& argv);
  /// Sends the queued commands and reads one reply per command. False on an I/O error, a
  /// timeout or an error reply (the connection is then closed; see error()).
  bool exchange(std::vector<RedisReply>& replies);
  /// Queues every command of `commands` and exchanges them in one round trip, the replies
  /// dropped (fire-and-forget scripts sent when the loops stopped, ledger commit marks).
  bool exchange_all(const std::vector<std::vector<std::string>>& commands);

  const std::string& error() const { return error_; }

 private:
  bool fail(std::string why);

  RedisTarget target_;
  std::chrono::milliseconds timeout_;
  redisContext* ctx_ = nullptr;
  std::size_t queued_ = 0;
  std::string error_;
};

/// The integer value of a String or Integer reply; `fallback` for anything else.
int64_t reply_int(const RedisReply& r, int64_t fallback);

}  // namespace llmgw::shared_state
