#include "server/http_server.hpp"

#include <sched.h>
#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "observe/counters.hpp"
#include "server/fd_table.hpp"

namespace llmgw::server {

namespace asio = boost::asio;
using boost::system::error_code;

struct HttpServer::Loop {
  asio::io_context io{1};  // one thread runs it: no locking inside asio
  asio::ip::tcp::acceptor acceptor{io};
  std::thread thread;
  std::unordered_set<ClientIO*> connections;  // touched only on this loop's thread
};

namespace {

/// Connections accepted at once after an awaited accept (nginx's multi_accept, bounded so that
/// a flood of connects cannot keep a loop from its other work).
constexpr int kAcceptBatch = 64;

/// Descriptors the table is grown to at start (server/fd_table): a client and an upstream socket
/// per connection, and room for idle pooled upstream connections, listeners, files and Redis.
int descriptors_for(int max_connections) {
  constexpr int kNoLimit = 65536;  // max_connections 0: the table still grows past this on demand
  return max_connections > 0 ? 2 * std::min(max_connections, 5'000'000) + 1024 : kNoLimit;
}

/// The cores this process may run on (its affinity mask: taskset, cpusets), not every core of
/// the machine: two loops on one allowed core would only take turns on it.
int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

HttpServer::HttpServer(const config::ServerSettings& s, RouteTable* routes)
    : max_connections_(s.max_connections), routes_(routes) {
  prepare_fd_table(descriptors_for(s.max_connections));
  limits_.head.max_head = s.max_header_bytes;
  limits_.head_timeout_ms = s.request_head_timeout_ms;
  limits_.body_timeout_ms = s.request_body_timeout_ms;
  limits_.read_timeout_ms = s.read_timeout_ms;
  limits_.idle_timeout_ms = std::max(1, s.keepalive_timeout_s * 1000);
  limits_.write_timeout_ms = s.write_timeout_ms;
  limits_.max_requests = s.max_keepalive_requests;
  refused_counter_ = observe::counters().register_counter(
      "llmgw", "connections_refused", "Client connections refused at accept because server.max_connections were open");

  const int count = s.event_loops > 0 ? s.event_loops : usable_cores();
  const asio::ip::tcp::endpoint first(asio::ip::make_address(s.host == "localhost" ? "127.0.0.1" : s.host),
                                      static_cast<unsigned short>(s.port));
  for (int i = 0; i < count; ++i) {
    auto loop = std::make_unique<Loop>();
    asio::ip::tcp::endpoint at(first.address(), i == 0 ? first.port() : port_);
    loop->acceptor.open(at.protocol());
    loop->acceptor.set_option(asio::socket_base::reuse_address(true));
    const int one = 1;  // every loop accepts on the same port; the kernel spreads connections
    ::setsockopt(loop->acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    loop->acceptor.bind(at);
    loop->acceptor.listen(std::max(64, s.max_queued));
    if (i == 0) port_ = loop->acceptor.local_endpoint().port();
    loops_.push_back(std::move(loop));
  }
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start(std::function<void(asio::io_context&)> on_loop_start) {
  for (auto& loop : loops_) {
    Loop* l = loop.get();
    asio::co_spawn(l->io, accept_loop(*l), asio::detached);
    l->thread = std::thread([l, on_loop_start] {
      if (on_loop_start) on_loop_start(l->io);
      l->io.run();
    });
  }
}

asio::awaitable<void> HttpServer::accept_loop(Loop& loop) {
  error_code ec;
  loop.acceptor.non_blocking(true, ec);  // for the accepts that follow an awaited one
  for (;;) {
    asio::ip::tcp::socket socket = co_await loop.acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping_.load(std::memory_order_relaxed) || !loop.acceptor.is_open()) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space) {
        // Out of descriptors: refuse until some close (nginx's accept pause, shorter).
        asio::steady_timer pause(loop.io, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      continue;
    }
    serve(loop, std::move(socket));
    // Whatever else waits in the listen queue is taken now, not one connection per turn of the
    // loop: under load a turn runs every ready handler first, and the queue would grow by the
    // arrivals of each turn (a burst of new streams then waits in the backlog for seconds).
    for (int more = 0; more < kAcceptBatch; ++more) {
      asio::ip::tcp::socket next(loop.io);
      loop.acceptor.accept(next, ec);
      if (ec) break;  // would_block: the queue is empty (errors: the awaited accept sees them)
      serve(loop, std::move(next));
    }
  }
}

void HttpServer::serve(Loop& loop, asio::ip::tcp::socket socket) {
  error_code ec;
  if (max_connections_ > 0 && open_.load(std::memory_order_relaxed) >= max_connections_) {
    observe::counters().add(refused_counter_, 1);
    socket.close(ec);  // refused cleanly: closed before a byte is read
    return;
  }
  open_.fetch_add(1, std::memory_order_relaxed);
  auto io = std::make_shared<ClientIO>(std::move(socket));
  io->start();
  loop.connections.insert(io.get());
  asio::co_spawn(
      loop.io,
      [this, &loop, io]() -> asio::awaitable<void> {
        try {
          co_await serve_connection(io, limits_, *routes_, stopping_);
        } catch (const std::exception& e) {
          spdlog::error("connection: unexpected error: {}", e.what());
        }
        io->close();
        loop.connections.erase(io.get());
        open_.fetch_sub(1, std::memory_order_relaxed);
      },
      asio::detached);
}

int64_t HttpServer::busy_connections() {
  std::atomic<int64_t> busy{0};
  std::atomic<int> counted{0};
  for (auto& loop : loops_) {
    Loop* l = loop.get();
    asio::post(l->io, [l, &busy, &counted] {
      int64_t n = 0;
      for (ClientIO* c : l->connections) n += c->idle() ? 0 : 1;
      busy.fetch_add(n);
      counted.fetch_add(1);
    });
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (counted.load() < static_cast<int>(loops_.size()) && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // A loop that did not answer in time is busy, whatever it holds.
  return counted.load() < static_cast<int>(loops_.size()) ? 1 : busy.load();
}

void HttpServer::stop(std::chrono::milliseconds drain) {
  if (stopping_.exchange(true)) {
    for (auto& loop : loops_)
      if (loop->thread.joinable()) loop->thread.join();
    return;
  }
  // No new connections. Open ones stay until no request is in flight (each answer now carries
  // Connection: close, and a connection between requests can still ask /health/readiness,
  // which says unready), or until the drain deadline.
  for (auto& loop : loops_) {
    Loop* l = loop.get();
    asio::post(l->io, [l] {
      error_code ec;
      l->acceptor.close(ec);
    });
  }
  const auto until = std::chrono::steady_clock::now() + drain;
  while (std::chrono::steady_clock::now() < until && open_.load(std::memory_order_relaxed) > 0 && busy_connections() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // What is left (idle, or busy past the deadline) is closed.
  for (auto& loop : loops_) {
    Loop* l = loop.get();
    asio::post(l->io, [l] {
      for (ClientIO* c : l->connections) c->close();
    });
  }
  const auto hard = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (open_.load(std::memory_order_relaxed) > 0 && std::chrono::steady_clock::now() < hard)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  for (auto& loop : loops_) loop->io.stop();
  for (auto& loop : loops_)
    if (loop->thread.joinable()) loop->thread.join();
}

}  // namespace llmgw::server
