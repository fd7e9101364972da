// Keep-alive connections per upstream origin. The lock is held only to take or return a
// connection, never across I/O.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "upstream/connection.hpp"

namespace llmgw::upstream {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::size_t max_idle_per_origin = 256) : max_idle_(max_idle_per_origin) {}

  /// An idle connection to `url`'s origin, or a new (not yet connected) one.
  std::unique_ptr<Connection> acquire(const Url& url);
  /// Returns a connection whose last response was read completely and may be reused.
  void release(const Url& url, std::unique_ptr<Connection> conn);

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
  std::size_t max_idle_;
};

}  // namespace llmgw::upstream
