#include "policy/reservation_store.hpp"

#include <algorithm>
#include <limits>

namespace llmgw::policy {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::int64_t add(std::int64_t a, std::int64_t b) { return a > kMax - b ? kMax : a + b; }

}  // namespace

std::int64_t InMemoryReservationStore::used(Scope& s, const ScopeBudget& b, std::int64_t now_ms,
                                            std::int64_t visible_as_of_ms) {
  std::int64_t total = add(b.stored_spend_nano, s.reserved);
  const std::int64_t visible_before = b.visible_as_of_ms > 0 ? b.visible_as_of_ms : visible_as_of_ms;
  for (auto it = s.charges.begin(); it != s.charges.end();) {
    const Charge& c = it->second;
    const bool visible = c.committed_ms > 0 && c.committed_ms < visible_before;
    const bool stale = c.committed_ms == 0 && now_ms - c.settled_ms > charge_ttl_ms_;
    if (visible || stale) {
      it = s.charges.erase(it);  // (charged_ keeps its id until committed(): harmless)
      continue;
    }
    if (c.settled_ms >= b.period_start_ms) total = add(total, c.cost);
    ++it;
  }
  return total;
}

void InMemoryReservationStore::expire(std::int64_t now_ms) {
  if (now_ms < next_expiry_sweep_ms_) return;
  next_expiry_sweep_ms_ = now_ms + 1000;
  for (auto it = holds_.begin(); it != holds_.end();) {
    if (it->second.expires_ms > now_ms) {
      ++it;
      continue;
    }
    for (const auto& name : it->second.scopes) {
      auto s = scopes_.find(name);
      if (s != scopes_.end()) s->second.reserved -= it->second.amount;
    }
    it = holds_.erase(it);
  }
  for (auto it = scopes_.begin(); it != scopes_.end();) {
    if (it->second.reserved == 0 && it->second.charges.empty()) it = scopes_.erase(it);
    else ++it;
  }
  for (auto it = charged_.begin(); it != charged_.end();) {
    bool any = false;
    for (const auto& name : it->second) {
      auto s = scopes_.find(name);
      any = any || (s != scopes_.end() && s->second.charges.count(it->first));
    }
    it = any ? std::next(it) : charged_.erase(it);
  }
}

ReserveResult InMemoryReservationStore::reserve(std::string_view request_id, const std::vector<ScopeBudget>& scopes,
                                                std::int64_t amount_nano, std::int64_t now_ms,
                                                std::int64_t visible_as_of_ms) {
  ReserveResult r;
  r.headroom_nano = kMax;
  std::lock_guard lock(mu_);
  expire(now_ms);
  const std::string id(request_id);
  if (holds_.count(id) || charged_.count(id)) return r;  // the same call again: held already
  for (std::size_t i = 0; i < scopes.size(); ++i) {
    const std::int64_t u = used(scopes_[scopes[i].scope], scopes[i], now_ms, visible_as_of_ms);
    if (u >= scopes[i].budget_nano) {
      r.refused = static_cast<int>(i);
      r.used_nano = u;
      return r;
    }
    r.headroom_nano = std::min(r.headroom_nano, scopes[i].budget_nano - u);
  }
  if (scopes.empty()) return r;
  Hold h;
  h.amount = std::max<std::int64_t>(amount_nano, 0);
  h.expires_ms = now_ms + ttl_ms_;
  for (const auto& s : scopes) {
    scopes_[s.scope].reserved += h.amount;
    h.scopes.push_back(s.scope);
  }
  holds_.emplace(id, std::move(h));
  return r;
}

bool InMemoryReservationStore::settle(std::string_view request_id, std::int64_t cost_nano, std::int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = holds_.find(std::string(request_id));
  if (it == holds_.end()) return false;
  for (const auto& name : it->second.scopes) {
    Scope& s = scopes_[name];
    s.reserved -= it->second.amount;
    if (cost_nano > 0) s.charges[it->first] = Charge{cost_nano, now_ms, 0};
  }
  if (cost_nano > 0) charged_[it->first] = std::move(it->second.scopes);
  holds_.erase(it);
  return true;
}

void InMemoryReservationStore::committed_many(const std::vector<std::string_view>& request_ids,
                                              std::int64_t now_ms, const CommitStamps& stamps) {
  std::lock_guard lock(mu_);
  for (std::string_view request_id : request_ids) {
    auto it = charged_.find(std::string(request_id));
    if (it == charged_.end()) continue;
    for (const auto& name : it->second) {
      auto s = scopes_.find(name);
      if (s == scopes_.end()) continue;
      auto c = s->second.charges.find(it->first);
      if (c == s->second.charges.end()) continue;
      const auto stamp = stamps.find(name);
      c->second.committed_ms = stamp == stamps.end() ? now_ms : stamp->second;
    }
    charged_.erase(it);
  }
}

std::size_t InMemoryReservationStore::reservations() const {
  std::lock_guard lock(mu_);
  return holds_.size();
}

std::size_t InMemoryReservationStore::pending_charges() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [name, s] : scopes_) n += s.charges.size();
  return n;
}

}  // namespace llmgw::policy
