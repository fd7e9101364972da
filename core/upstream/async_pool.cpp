#include "upstream/async_pool.hpp"

namespace llmgw::upstream {

std::unique_ptr<AsyncConnection> AsyncPool::acquire(const Url& url) {
  auto it = idle_.find(url.origin);
  if (it != idle_.end() && !it->second.empty()) {
    auto conn = std::move(it->second.back());
    it->second.pop_back();
    return conn;
  }
  return std::make_unique<AsyncConnection>(io_, url);
}

void AsyncPool::release(const Url& url, std::unique_ptr<AsyncConnection> conn) {
  auto& list = idle_[url.origin];
  if (list.size() >= max_idle_) return;  // `conn` is destroyed: its socket closes
  list.push_back(std::move(conn));
}

std::size_t AsyncPool::idle_count(const std::string& origin) const {
  auto it = idle_.find(origin);
  return it == idle_.end() ? 0 : it->second.size();
}

}  // namespace llmgw::upstream
