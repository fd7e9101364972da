#include "upstream/offload_exchange.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace llmgw::upstream::offload {
namespace {

asio::thread_pool& workers() {
  static asio::thread_pool pool(256);
  return pool;
}

/// Runs `f` on a worker thread; the caller's coroutine resumes on its own loop with the result
/// (or the exception).
template <class F>
asio::awaitable<void> run_blocking(F f) {  // by value: kept in this coroutine's frame
  auto job = [&f]() -> asio::awaitable<void> {
    f();
    co_return;
  };
  co_await asio::co_spawn(workers(), std::move(job), asio::use_awaitable);
}

}  // namespace

asio::awaitable<void> AsyncExchange::start(const AsyncRequest& r) {
  OutgoingRequest out;
  out.method = r.method;
  out.url = r.url;
  out.headers = r.headers;
  out.header_count = r.header_count;
  out.body = r.body;
  out.connect_timeout_ms = r.connect_timeout_ms;
  out.head_deadline_ms = r.head_deadline_ms;
  auto start = [&] { exchange_.start(out); };
  co_await run_blocking(start);
}

asio::awaitable<void> AsyncExchange::read_all(std::string& out, int64_t deadline_ms, std::size_t max_bytes) {
  auto read = [&] { exchange_.read_all(out, deadline_ms, max_bytes); };
  co_await run_blocking(read);
}

asio::awaitable<std::size_t> AsyncExchange::read_some(char* buf, std::size_t cap, int idle_ms, int64_t deadline_ms) {
  if (client_gone_) throw TransportError(TransportFailure::ClientGone, "client disconnected");
  std::size_t n = 0;
  if (exchange_.has_buffered()) n = exchange_.read_some(buf, cap, idle_ms, deadline_ms, nullptr);
  else {
    auto read = [&] { n = exchange_.read_some(buf, cap, idle_ms, deadline_ms, nullptr); };
    co_await run_blocking(read);
  }
  if (client_gone_) {
    exchange_.abort();
    throw TransportError(TransportFailure::ClientGone, "client disconnected");
  }
  co_return n;
}

}  // namespace llmgw::upstream::offload
