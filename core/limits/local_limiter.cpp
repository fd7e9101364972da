#include "limits/local_limiter.hpp"

#include <algorithm>
#include <functional>
#include <optional>

namespace llmgw::limits {

std::shared_ptr<LocalLimiter::State> LocalLimiter::state(const std::string& id, std::int64_t now_ms) {
  Shard& shard = shards_[std::hash<std::string>{}(id) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  if (now_ms - shard.swept_ms >= kWindowMs) {
    shard.swept_ms = now_ms;
    std::erase_if(shard.states, [now_ms](auto& entry) {
      State& st = *entry.second;
      std::unique_lock busy(st.mutex, std::try_to_lock);  // a state in use now is not idle
      if (!busy.owns_lock() || !st.idle(now_ms)) return false;
      st.retired = true;
      return true;
    });
  }
  std::shared_ptr<State>& s = shard.states[id];
  if (!s) s = std::make_shared<State>();
  return s;
}

std::size_t LocalLimiter::scope_count() {
  std::size_t n = 0;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    n += shard.states.size();
  }
  return n;
}

namespace {

/// Locks the states of a call in address order (no two calls can deadlock).
class LockAll {
 public:
  explicit LockAll(std::vector<std::mutex*> mutexes) : mutexes_(std::move(mutexes)) {
    std::sort(mutexes_.begin(), mutexes_.end());
    mutexes_.erase(std::unique(mutexes_.begin(), mutexes_.end()), mutexes_.end());
    for (std::mutex* m : mutexes_) m->lock();
  }
  ~LockAll() {
    for (auto it = mutexes_.rbegin(); it != mutexes_.rend(); ++it) (*it)->unlock();
  }
  LockAll(const LockAll&) = delete;
  LockAll& operator=(const LockAll&) = delete;

 private:
  std::vector<std::mutex*> mutexes_;
};

}  // namespace

Decision LocalLimiter::admit(const Scopes& scopes, std::int64_t estimate, std::int64_t now_ms) {
  Decision d;
  d.now_ms = now_ms;
  d.figures.resize(scopes.size());
  if (scopes.empty()) return d;
  std::vector<std::shared_ptr<State>> states(scopes.size());
  std::optional<LockAll> lock;
  for (;;) {
    std::vector<std::mutex*> mutexes;
    for (std::size_t i = 0; i < scopes.size(); ++i) {
      if (!states[i] || states[i]->retired) states[i] = state(scopes[i].id, now_ms);
      mutexes.push_back(&states[i]->mutex);
    }
    lock.emplace(std::move(mutexes));
    // Retired between the look-up and the lock: look those up again.
    if (std::none_of(states.begin(), states.end(), [](const auto& st) { return st->retired.load(); })) break;
    lock.reset();
  }
  const auto refuse = [&d](std::size_t i, Dimension dim, std::int64_t retry) {
    if (d.allowed) {
      d.allowed = false;
      d.refused_scope = static_cast<int>(i);
      d.refused = dim;
    }
    d.retry_after_ms = std::max(d.retry_after_ms, retry);
  };
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const Scope& s = scopes[i];
    State& st = *states[i];
    std::int64_t retry = 0;
    if (s.rpm > 0 && !st.requests.check(now_ms, s.rpm, d.figures[i], retry)) refuse(i, Dimension::requests, retry);
    if (s.tpm > 0 && !st.tokens.check(now_ms, s.tpm, token_reservation(estimate, s.tpm), d.figures[i], retry))
      refuse(i, Dimension::tokens, retry);
    if (s.parallel > 0 && !st.parallel.check(s.parallel, d.figures[i], retry)) refuse(i, Dimension::parallel, retry);
  }
  if (!d.allowed) return d;
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const Scope& s = scopes[i];
    State& st = *states[i];
    if (s.rpm > 0) st.requests.add(now_ms);
    if (s.tpm > 0) st.tokens.add(now_ms / 1000, token_reservation(estimate, s.tpm), now_ms);
    if (s.parallel > 0) ++st.parallel.in_flight;
  }
  return d;
}

void LocalLimiter::finish(const Scopes& scopes, std::int64_t bucket_s, const std::vector<std::int64_t>& token_delta,
                          std::int64_t now_ms) {
  end(scopes, bucket_s, token_delta, now_ms, -1);
}

void LocalLimiter::release(const Scopes& scopes, std::int64_t admitted_ms, const std::vector<std::int64_t>& token_delta,
                           std::int64_t now_ms) {
  end(scopes, admitted_ms / 1000, token_delta, now_ms, admitted_ms);
}

void LocalLimiter::end(const Scopes& scopes, std::int64_t bucket_s, const std::vector<std::int64_t>& token_delta,
                       std::int64_t now_ms, std::int64_t release_ms) {
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const Scope& s = scopes[i];
    const bool request = release_ms >= 0 && s.rpm > 0;
    if (s.tpm <= 0 && s.parallel <= 0 && !request) continue;
    std::shared_ptr<State> held = state(s.id, now_ms);
    std::unique_lock lock(held->mutex);
    while (held->retired) {  // retired meanwhile (it was idle): the scope's state is a new one
      lock.unlock();
      held = state(s.id, now_ms);
      lock = std::unique_lock(held->mutex);
    }
    State& st = *held;
    if (request) st.requests.remove(release_ms);
    if (s.parallel > 0 && st.parallel.in_flight > 0) --st.parallel.in_flight;
    if (s.tpm > 0 && i < token_delta.size() && token_delta[i] != 0) st.tokens.add(bucket_s, token_delta[i], now_ms);
  }
}

}  // namespace llmgw::limits
