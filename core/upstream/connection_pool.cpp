#include "upstream/connection_pool.hpp"

namespace llmgw::upstream {

std::unique_ptr<Connection> ConnectionPool::acquire(const Url& url) {
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(url.origin);
    if (it != idle_.end() && !it->second.empty()) {
      auto conn = std::move(it->second.back());
      it->second.pop_back();
      return conn;
    }
  }
  return make_connection(url);
}

void ConnectionPool::release(const Url& url, std::unique_ptr<Connection> conn) {
  std::unique_ptr<Connection> dropped;  // destroyed (socket closed) outside the lock
  std::lock_guard lock(mutex_);
  auto& list = idle_[url.origin];
  if (list.size() >= max_idle_) {
    dropped = std::move(conn);
    return;
  }
  list.push_back(std::move(conn));
}

}  // namespace llmgw::upstream
