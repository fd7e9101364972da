#include "util/offload.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

namespace asio = boost::asio;
using llmgw::util::BlockingPool;
using llmgw::util::offload;

TEST_CASE("offload returns the function's result on the loop thread, having run it elsewhere", "[offload]") {
  BlockingPool pool(2);
  asio::io_context io;
  std::thread::id loop_thread, work_thread, resumed_thread;
  std::string got;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    loop_thread = std::this_thread::get_id();
    std::string value = co_await offload(pool, [&] {
      work_thread = std::this_thread::get_id();
      return std::string("from the pool");
    });
    got = value;
    resumed_thread = std::this_thread::get_id();
  }, asio::detached);
  io.run();
  CHECK(got == "from the pool");
  CHECK(work_thread != loop_thread);
  CHECK(resumed_thread == loop_thread);
}

TEST_CASE("offload rethrows the function's exception in the coroutine", "[offload]") {
  BlockingPool pool(2);
  asio::io_context io;
  std::string caught;
  bool void_ran = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    try {
      int unused = co_await offload(pool, []() -> int { throw std::runtime_error("database down"); });
      (void)unused;
    } catch (const std::runtime_error& e) {
      caught = e.what();
    }
    co_await offload(pool, [&] { void_ran = true; });
  }, asio::detached);
  io.run();
  CHECK(caught == "database down");
  CHECK(void_ran);
}

TEST_CASE("many concurrent offloads all complete on their own loops while the loops stay free", "[offload]") {
  BlockingPool pool(2);
  asio::io_context io_a, io_b;
  std::atomic<int> done{0}, wrong_thread{0};
  std::thread::id thread_a, thread_b;
  constexpr int kPerLoop = 500;
  auto spawn_all = [&](asio::io_context& io, std::thread::id& loop_id) {
    for (int i = 0; i < kPerLoop; ++i)
      asio::co_spawn(io, [&, i]() -> asio::awaitable<void> {
        int twice = co_await offload(pool, [i] {
          std::this_thread::sleep_for(std::chrono::microseconds(50));
          return i * 2;
        });
        if (std::this_thread::get_id() != loop_id) ++wrong_thread;
        if (twice == i * 2) ++done;
      }, asio::detached);
  };
  spawn_all(io_a, thread_a);
  spawn_all(io_b, thread_b);
  std::thread ta([&] { thread_a = std::this_thread::get_id(); io_a.run(); });
  // thread ids are read by the coroutines only after resuming, which happens after run() starts
  std::thread tb([&] { thread_b = std::this_thread::get_id(); io_b.run(); });
  ta.join();
  tb.join();
  CHECK(done == 2 * kPerLoop);
  CHECK(wrong_thread == 0);
}
