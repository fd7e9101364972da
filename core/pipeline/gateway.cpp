#include "pipeline/gateway.hpp"

#include <stdexcept>

namespace llmgw::pipeline {
Gateway::Gateway(const config::Config& config, const loader::Registry& registry)
    : models_(config, registry),
      router_(config.router),
      strategy_(config.router, registry),
      health_{config.allowed_fails, static_cast<int64_t>(config.cooldown_time_s * 1000),
              static_cast<int64_t>(config.router.max_retry_after_s * 1000), config.router.disable_cooldowns},
      max_upstream_body_bytes_(config.server.max_upstream_body_bytes),
      max_stream_event_bytes_(config.server.max_stream_event_bytes) {}

void Gateway::start_credential_exchange() {
  std::vector<loader::ProviderInstance*> instances;
  for (const auto& d : models_.deployments())
    if (d->provider && has_credential_hooks(d->provider->vtable())) instances.push_back(d->provider.get());
  if (!instances.empty() && !credentials_) credentials_ = std::make_unique<CredentialExchange>(instances);
}

namespace {
thread_local upstream_client::AsyncPool* this_loop_pool = nullptr;
std::mutex loop_pools_mutex;  // only while loops start and stop
std::vector<std::unique_ptr<upstream_client::AsyncPool>> loop_pools;
}  // namespace

void Gateway::on_loop_start(boost::asio::io_context& io) {
  auto pool = std::make_unique<upstream_client::AsyncPool>(io);
  this_loop_pool = pool.get();
  std::lock_guard lock(loop_pools_mutex);
  loop_pools.push_back(std::move(pool));
}

void Gateway::release_loop_pools() {
  std::lock_guard lock(loop_pools_mutex);
  loop_pools.clear();
}

upstream_client::AsyncPool& Gateway::loop_pool() {
  if (!this_loop_pool) throw std::logic_error("no upstream pool on this thread: not an event loop");
  return *this_loop_pool;
}

}  // namespace llmgw::pipeline
