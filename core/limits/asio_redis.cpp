#include "limits/asio_redis.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "limits/resp_command.hpp"

namespace llmgw::limits {

namespace asio = boost::asio;

/// The ev hooks of one redisAsyncContext: readiness waits on its descriptor.
struct AsyncRedis::Watch {
  redisAsyncContext* ac;
  asio::posix::stream_descriptor fd;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
  bool want_read = false, want_write = false;
  bool reading = false, writing = false;
  bool write_posted = false;

  Watch(asio::io_context& io, redisAsyncContext* c) : ac(c), fd(io, c->c.fd) {}

  void arm(bool read) {
    bool& busy = read ? reading : writing;
    if (busy) return;
    busy = true;
    std::shared_ptr<bool> live = alive;
    fd.async_wait(read ? asio::posix::stream_descriptor::wait_read : asio::posix::stream_descriptor::wait_write,
                  [this, live, read](const boost::system::error_code& ec) {
                    if (!*live) return;  // the context is gone (cleanup ran)
                    (read ? reading : writing) = false;
                    if (ec) return;
                    if (!(read ? want_read : want_write)) return;
                    if (read) redisAsyncHandleRead(ac);
                    else redisAsyncHandleWrite(ac);
                    // hiredis may have freed the context (and this Watch) inside the call.
                    if (*live && (read ? want_read : want_write)) arm(read);
                  });
  }

  /// Once connected, a command's bytes are written on the next turn of the loop (every command
  /// queued in this turn goes in one write) rather than after a writability wait: the socket
  /// nearly always has room, and the wait costs a turn and an epoll_ctl per command. Only what
  /// did not fit waits for writability.
  void write_soon() {
    if (writing || write_posted) return;
    write_posted = true;
    std::shared_ptr<bool> live = alive;
    asio::post(fd.get_executor(), [this, live] {
      if (!*live) return;
      write_posted = false;
      if (!want_write) return;
      redisAsyncHandleWrite(ac);
      if (*live && want_write) arm(false);
    });
  }

  static void add_read(void* p) { auto* w = static_cast<Watch*>(p); w->want_read = true; w->arm(true); }
  static void del_read(void* p) { static_cast<Watch*>(p)->want_read = false; }
  static void add_write(void* p) {
    auto* w = static_cast<Watch*>(p);
    w->want_write = true;
    if (w->ac->c.flags & REDIS_CONNECTED) w->write_soon();
    else w->arm(false);  // connecting: writability is how the connect completes
  }
  static void del_write(void* p) { static_cast<Watch*>(p)->want_write = false; }
  static void cleanup(void* p) {
    auto* w = static_cast<Watch*>(p);
    *w->alive = false;
    w->fd.release();  // cancels the waits; hiredis closes the descriptor itself
    delete w;
  }
};

namespace {

/// One awaited command: the reply callback and the deadline meet here.
struct Pending {
  explicit Pending(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;
  std::function<void(const redisReply&)> on_reply;
  bool done = false;
  bool got = false;
};

void on_pending_reply(redisAsyncContext*, void* reply, void* privdata) {
  auto* holder = static_cast<std::shared_ptr<Pending>*>(privdata);
  std::shared_ptr<Pending> p = std::move(*holder);
  delete holder;
  if (p->done) return;  // its deadline passed: dropped
  p->done = true;
  if (reply) {
    p->got = true;
    p->on_reply(*static_cast<const redisReply*>(reply));
  }
  p->timer.cancel();
}

}  // namespace

std::shared_ptr<AsyncRedis> AsyncRedis::on_loop(asio::io_context& io, const RedisEndpoint& endpoint) {
  struct Shared {
    asio::io_context* io;
    std::string id;
    std::weak_ptr<AsyncRedis> connection;
  };
  thread_local std::vector<Shared> shared;
  std::erase_if(shared, [](const Shared& s) { return s.connection.expired(); });
  std::string id = endpoint.host + '\n' + std::to_string(endpoint.port) + '\n' + std::to_string(endpoint.db) + '\n' +
                   endpoint.password;
  for (const Shared& s : shared)
    if (s.io == &io && s.id == id)
      if (std::shared_ptr<AsyncRedis> c = s.connection.lock()) return c;
  auto c = std::make_shared<AsyncRedis>(io, endpoint);
  shared.push_back(Shared{&io, std::move(id), c});
  return c;
}

AsyncRedis::AsyncRedis(asio::io_context& io, RedisEndpoint endpoint)
    : io_(io), endpoint_(std::move(endpoint)), reconnect_timer_(io) {
  connect();
}

AsyncRedis::~AsyncRedis() {
  stopping_ = true;
  *alive_ = false;
  reconnect_timer_.cancel();
  if (ac_) {
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    redisAsyncFree(ac);  // every pending callback gets a null reply
  }
}

void AsyncRedis::connect() {
  ready_ = false;
  redisAsyncContext* ac = endpoint_.unix_socket() ? redisAsyncConnectUnix(endpoint_.host.c_str())
                                                  : redisAsyncConnect(endpoint_.host.c_str(), endpoint_.port);
  if (!ac) return schedule_reconnect();
  if (ac->err) {
    spdlog::debug("rate limits: Redis connect: {}", ac->errstr);
    redisAsyncFree(ac);
    return schedule_reconnect();
  }
  ac->data = this;
  auto* w = new Watch(io_, ac);
  ac->ev.data = w;
  ac->ev.addRead = &Watch::add_read;
  ac->ev.delRead = &Watch::del_read;
  ac->ev.addWrite = &Watch::add_write;
  ac->ev.delWrite = &Watch::del_write;
  ac->ev.cleanup = &Watch::cleanup;
  redisAsyncSetConnectCallback(ac, &AsyncRedis::on_connect);
  redisAsyncSetDisconnectCallback(ac, &AsyncRedis::on_disconnect);
  ac_ = ac;
  // Queued now, written once connected, before any command of ours.
  if (!endpoint_.password.empty())
    redisAsyncCommand(ac, nullptr, nullptr, "AUTH %b", endpoint_.password.data(), endpoint_.password.size());
  if (endpoint_.db != 0) redisAsyncCommand(ac, nullptr, nullptr, "SELECT %d", endpoint_.db);
}

void AsyncRedis::schedule_reconnect() {
  ready_ = false;
  if (stopping_) return;
  reconnect_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, std::chrono::milliseconds(2000));
  std::shared_ptr<bool> live = alive_;
  reconnect_timer_.async_wait([this, live](const boost::system::error_code& ec) {
    if (!*live || ec || stopping_) return;
    connect();
  });
}

void AsyncRedis::on_connect(const redisAsyncContext* ac, int status) {
  auto* self = static_cast<AsyncRedis*>(ac->data);
  if (!self) return;
  if (status != REDIS_OK) {
    // hiredis frees the context after this returns.
    spdlog::debug("rate limits: Redis connect failed: {}", ac->errstr);
    self->ac_ = nullptr;
    self->schedule_reconnect();
    return;
  }
  self->ready_ = true;
  self->backoff_ = std::chrono::milliseconds(100);
}

void AsyncRedis::on_disconnect(const redisAsyncContext* ac, int /*status*/) {
  auto* self = static_cast<AsyncRedis*>(ac->data);
  if (!self || self->stopping_) return;
  self->ac_ = nullptr;  // hiredis frees the context after this returns
  self->schedule_reconnect();
}

bool AsyncRedis::submit(const std::vector<std::string_view>& argv, void (*fn)(redisAsyncContext*, void*, void*),
                        void* privdata) {
  if (!ac_) return false;  // connecting: hiredis holds the command until the socket is up
  if (argv.empty() || argv.size() > kMaxArgs) return false;
  // Formatted here into a buffer kept from command to command (hiredis' formatter costs ~0.5k
  // instructions an argument); hiredis copies it into its output buffer.
  format_resp_command(argv, command_);
  return redisAsyncFormattedCommand(ac_, fn, privdata, command_.data(), command_.size()) == REDIS_OK;
}

asio::awaitable<bool> AsyncRedis::call(const std::vector<std::string_view>& argv, std::chrono::milliseconds timeout,
                                       std::function<void(const redisReply&)> on_reply) {
  auto p = std::make_shared<Pending>(io_);
  p->on_reply = std::move(on_reply);
  auto* holder = new std::shared_ptr<Pending>(p);
  if (!submit(argv, &on_pending_reply, holder)) {
    delete holder;
    co_return false;
  }
  p->timer.expires_after(timeout);
  boost::system::error_code ec;
  if (!p->done) co_await p->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  p->done = true;  // a reply after this point is dropped
  co_return p->got;
}

bool AsyncRedis::send(const std::vector<std::string_view>& argv) { return submit(argv, nullptr, nullptr); }

std::size_t AsyncRedis::add_batch_flush(std::function<void()> flush) {
  batch_flushes_.emplace_back(++next_batch_id_, std::move(flush));
  return next_batch_id_;
}

void AsyncRedis::remove_batch_flush(std::size_t id) {
  std::erase_if(batch_flushes_, [id](const auto& f) { return f.first == id; });
}

void AsyncRedis::flush_batches() {
  for (const auto& [id, flush] : batch_flushes_) flush();
}

}  // namespace llmgw::limits
