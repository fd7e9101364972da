// A coroutine started now on this loop and awaited later, so that two waits overlap: the rate
// limits' and the budget's Redis scripts are both in flight at once (one round trip, not two).
//
//   util::Started<R> budget(co_await this_coro::executor, account.reserve(...));  // runs from the next turn
//   auto limited = co_await limiter.admit(...);
//   R over = co_await budget.result();
//
// The started coroutine may refer to the awaiting frame (it usually does): result() must be
// awaited on every path before that frame ends, exceptions included (catch, then await outside
// the handler, then rethrow). Its exception, if any, is rethrown by result(). Loop thread only.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <memory>
#include <optional>
#include <utility>

namespace llmgw::util {

template <class T>
class Started {
 public:
  Started(const boost::asio::any_io_executor& loop, boost::asio::awaitable<T> task)
      : state_(std::make_shared<State>(loop)) {
    boost::asio::co_spawn(loop, std::move(task), [s = state_](std::exception_ptr e, T value) {
      if (e) s->error = std::move(e);
      else s->value.emplace(std::move(value));
      s->done = true;
      s->wake.cancel();
    });
  }
  Started(const Started&) = delete;
  Started& operator=(const Started&) = delete;

  /// The task's result (waits for it), or its exception rethrown. Call once.
  boost::asio::awaitable<T> result() {
    const std::shared_ptr<State> s = state_;
    while (!s->done) {
      boost::system::error_code ec;
      co_await s->wake.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    if (s->error) std::rethrow_exception(s->error);
    co_return std::move(*s->value);
  }

 private:
  struct State {
    explicit State(const boost::asio::any_io_executor& loop)
        : wake(loop, boost::asio::steady_timer::time_point::max()) {}
    boost::asio::steady_timer wake;  // never expires: the task's end cancels it
    std::optional<T> value;
    std::exception_ptr error;
    bool done = false;
  };
  std::shared_ptr<State> state_;
};

}  // namespace llmgw::util
