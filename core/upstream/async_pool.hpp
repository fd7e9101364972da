// Idle keep-alive upstream connections per origin for ONE event loop (an io_context run by one
// thread): taken and returned without a lock. Destroy it before its io_context.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "upstream/async_connection.hpp"
#include "upstream/url.hpp"

namespace llmgw::upstream {

class AsyncPool {
 public:
  explicit AsyncPool(asio::io_context& io, std::size_t max_idle_per_origin = 256)
      : io_(io), max_idle_(max_idle_per_origin) {}
  AsyncPool(const AsyncPool&) = delete;
  AsyncPool& operator=(const AsyncPool&) = delete;

  asio::io_context& io() { return io_; }

  /// An idle connection to `url`'s origin (most recently used first), or a new (not yet
  /// connected) one. The caller checks it with prepare() before use.
  std::unique_ptr<AsyncConnection> acquire(const Url& url);
  /// Returns a connection whose last response was read completely and may be reused; beyond
  /// max_idle_per_origin it is closed instead.
  void release(const Url& url, std::unique_ptr<AsyncConnection> conn);

  /// Idle connections held for `origin` (tests, metrics).
  std::size_t idle_count(const std::string& origin) const;

 private:
  asio::io_context& io_;
  std::size_t max_idle_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<AsyncConnection>>> idle_;
};

}  // namespace llmgw::upstream
