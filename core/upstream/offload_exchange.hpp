// TEMPORARY bridge while the asynchronous upstream client (async_exchange) lands: the
// AsyncExchange interface over the blocking Exchange, run on a worker pool so that no event
// loop thread ever blocks on an upstream socket. Same semantics as the blocking Exchange;
// cancel_for_client_gone takes effect when the pending read returns.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "upstream/connection_pool.hpp"
#include "upstream/exchange.hpp"

namespace llmgw::upstream::offload {

namespace asio = boost::asio;

class AsyncPool {
 public:
  explicit AsyncPool(asio::io_context& io) : io_(io) {}
  asio::io_context& io() { return io_; }
  ConnectionPool& blocking() { return blocking_; }

 private:
  asio::io_context& io_;
  ConnectionPool blocking_;
};

struct AsyncRequest {
  std::string_view method = "POST";
  const Url* url = nullptr;
  const std::vector<std::pair<std::string, std::string>>* headers = nullptr;
  std::size_t header_count = 0;
  std::string_view body;
  int connect_timeout_ms = 5000;
  int64_t head_deadline_ms = 0;
};

class AsyncExchange {
 public:
  explicit AsyncExchange(AsyncPool& pool) : exchange_(pool.blocking()) {}
  asio::awaitable<void> start(const AsyncRequest& request);
  int status() const { return exchange_.status(); }
  const HeaderLines& headers() const { return exchange_.headers(); }
  asio::awaitable<void> read_all(std::string& out, int64_t deadline_ms, std::size_t max_bytes);
  asio::awaitable<std::size_t> read_some(char* buf, std::size_t cap, int idle_ms, int64_t deadline_ms);
  bool has_buffered() { return exchange_.has_buffered(); }
  void finish() { exchange_.finish(); }
  void abort() { exchange_.abort(); }
  void cancel_for_client_gone() { client_gone_ = true; }

 private:
  Exchange exchange_;
  bool client_gone_ = false;
};

}  // namespace llmgw::upstream::offload
