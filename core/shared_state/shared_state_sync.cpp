#include "shared_state/shared_state_sync.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "observe/counters.hpp"

namespace llmgw::shared_state {
namespace {

/// The core's counters live in the process-wide counter table under this owner name.
constexpr std::string_view kCounterOwner = "llmgw";
constexpr std::string_view kUnavailableCounter = "redis_unavailable";

uint32_t unavailable_counter() {
  static const uint32_t handle = observe::counters().register_counter(
      kCounterOwner, kUnavailableCounter,
      "Times Redis became unreachable; routing used local cooldowns and usage counts meanwhile");
  return handle;
}

}  // namespace

SharedStateSync::SharedStateSync(RedisTarget target, std::vector<SyncedDeployment> deployments, SyncOptions options)
    : target_(std::move(target)),
      deployments_(std::move(deployments)),
      options_(std::move(options)),
      redis_(target_, options_.io_timeout),
      cooldowns_(deployments_, options_.key_prefix, options_.max_cooldown.count()),
      usage_(deployments_, options_.key_prefix, random_instance_id()) {
  unavailable_counter();
}

SharedStateSync::~SharedStateSync() { stop(); }

uint64_t SharedStateSync::unavailable_total() { return observe::counters().value(unavailable_counter()); }

void SharedStateSync::start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
}

void SharedStateSync::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SharedStateSync::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();  // no lock is held across Redis I/O
    try {
      sync_once();
    } catch (const std::exception& e) {  // bad_alloc and the like: never take the process down
      went_down(e.what());
    }
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

bool SharedStateSync::sync_once() {
  bool fresh = false;
  if (!redis_.connected()) {
    if (canonical::steady_ms() < next_attempt_ms_) return false;
    if (!redis_.connect()) {
      went_down(redis_.error());
      return false;
    }
    fresh = true;
  }
  Clocks now{canonical::steady_ms(), canonical::unix_ms()};
  cooldowns_.plan(redis_, now, fresh);
  usage_.plan(redis_, now, fresh);
  if (!redis_.exchange(replies_)) {
    went_down(redis_.error());
    return false;
  }
  // The replies answer the state read at `now`; conversions use the clocks of that moment.
  cooldowns_.apply(replies_, now);
  usage_.apply(replies_);
  came_up();
  return true;
}

void SharedStateSync::went_down(const std::string& why) {
  redis_.disconnect();
  backoff_ = std::min(backoff_.count() ? backoff_ * 2 : options_.interval, options_.max_backoff);
  next_attempt_ms_ = canonical::steady_ms() + backoff_.count();
  if (state_.exchange(State::Down, std::memory_order_relaxed) == State::Down) return;
  usage_.forget_shared();
  observe::counters().add(unavailable_counter(), 1);
  spdlog::warn("Redis at {} is unavailable ({}): cooldowns and usage counters are local to this instance "
               "until it is back",
               describe(target_), why);
}

void SharedStateSync::came_up() {
  backoff_ = std::chrono::milliseconds{0};
  const State before = state_.exchange(State::Up, std::memory_order_relaxed);
  if (before == State::Down)
    spdlog::info("Redis at {} is back: cooldowns and usage counters are shared again", describe(target_));
  else if (before == State::Unknown)
    spdlog::info("sharing cooldowns and usage counters through Redis at {}", describe(target_));
}

}  // namespace llmgw::shared_state
