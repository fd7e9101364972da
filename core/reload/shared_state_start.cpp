#include "reload/shared_state_start.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace llmgw::reload {

std::unique_ptr<shared_state::SharedStateSync> start_shared_state(const config::RedisSettings& redis,
                                                                  const config::Config& cfg,
                                                                  const pipeline::Gateway& gateway) {
  if (!redis.enabled()) return nullptr;
  shared_state::RedisTarget target{redis.host, redis.port, redis.password, redis.db};
  std::vector<shared_state::SyncedDeployment> deployments;
  for (const auto& d : gateway.deployments()) deployments.push_back({d->cfg.id, &d->state});
  spdlog::info("shared state: Redis at {}", shared_state::describe(target));
  shared_state::SyncOptions options;
  options.max_cooldown = std::chrono::milliseconds(
      static_cast<int64_t>(std::max(cfg.router.max_retry_after_s, cfg.cooldown_time_s) * 1000));
  auto sync = std::make_unique<shared_state::SharedStateSync>(std::move(target), std::move(deployments), options);
  sync->start();
  return sync;
}

}  // namespace llmgw::reload
