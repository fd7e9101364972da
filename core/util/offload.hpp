// Blocking work (the database) off the event loops: a fixed thread pool, and an awaitable that runs
// a function on it and resumes the awaiting coroutine on its own loop with the function's result or
// its exception. The loop thread never waits: while the work runs it serves other connections.
//
//   util::BlockingPool pool(2);
//   auto rows = co_await util::offload(pool, [&] { return repo.list(query); });
//
// The function runs on a pool thread, so it must not touch loop-owned state (the request, the
// response): copy what it needs in, return what the coroutine needs out. Anything it captures by
// reference lives in the coroutine frame, which stays alive (suspended) until it is done.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace llmgw::util {

/// A fixed set of threads for blocking calls; joined on destruction (work queued by then runs first).
class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads = 2) : pool_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  boost::asio::thread_pool& pool() { return pool_; }

 private:
  boost::asio::thread_pool pool_;
};

/// Runs `fn()` on `pool` and resumes on the awaiting coroutine's executor (its loop) with what it
/// returned, or rethrows what it threw. Completion is posted to the loop, never run inline on the
/// pool thread.
template <class Fn>
boost::asio::awaitable<std::invoke_result_t<Fn&>> offload(BlockingPool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  auto loop = co_await boost::asio::this_coro::executor;
  // The coroutine waits on a timer that never expires; the pool thread, once done, posts to the
  // loop a handler that sets `done` and cancels it. The pending wait keeps the loop's run() going,
  // and the cancel runs on the loop thread, so the timer is only ever touched there.
  boost::asio::steady_timer wake(loop, boost::asio::steady_timer::time_point::max());
  std::conditional_t<std::is_void_v<R>, bool, std::optional<R>> result{};
  std::exception_ptr error;
  bool done = false;
  boost::asio::post(pool.pool(), [&fn, &result, &error, &done, &wake, loop] {
    try {
      if constexpr (std::is_void_v<R>) {
        fn();
        result = true;
      } else {
        result.emplace(fn());
      }
    } catch (...) {
      error = std::current_exception();
    }
    boost::asio::post(loop, [&done, &wake] {
      done = true;
      wake.cancel();
    });
  });
  while (!done) {
    boost::system::error_code ec;
    co_await wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  }
  if (error) std::rethrow_exception(error);
  if constexpr (!std::is_void_v<R>) co_return std::move(*result);
}

}  // namespace llmgw::util
