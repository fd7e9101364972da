#include "limits/admission_lease.hpp"

#include <algorithm>
#include <chrono>
#include <string_view>

#include "canonical/clock.hpp"
#include "limits/asio_redis.hpp"
#include "limits/redis_scripts.hpp"

namespace llmgw::limits {
namespace {

/// Classes without a lease kept for their call rate, at most (then the idle ones are dropped).
constexpr std::size_t kKeptClasses = 1024;

}  // namespace
LeaseBook::LeaseBook(boost::asio::io_context& io, AsyncRedis& redis) : redis_(redis), timer_(io) {}

LeaseBook::~LeaseBook() {
  *alive_ = false;
  timer_.cancel();
}

bool LeaseBook::take(const std::string& cls, std::int64_t tokens, std::int64_t budget_nano,
                     std::int64_t now_steady_ms, LeasedAdmission& out, bool& ask, std::int64_t& rate) {
  ask = false;
  Class& c = classes_[cls];
  // The class's calls a second on this loop: this second's so far and the last one's share of
  // the sliding second (what a lease is sized to: limits/redis_scripts.hpp).
  const std::int64_t slot = now_steady_ms / 1000;
  if (slot != c.slot) {
    c.previous = slot == c.slot + 1 ? c.current : 0;
    c.current = 0;
    c.slot = slot;
  }
  ++c.current;
  rate = c.current + c.previous * (1000 - now_steady_ms % 1000) / 1000;
  Lease* fit = nullptr;
  std::int64_t left = 0;
  for (Lease& l : c.leases) {
    if (l.deadline_steady_ms <= now_steady_ms) continue;  // ended: the timer gives it back
    left += l.granted - l.used;
    const bool budget_fits = budget_nano <= 0 || l.hold_used + budget_nano <= l.hold;
    if (!fit && l.used < l.granted && l.tokens_used + tokens <= l.tokens && budget_fits) fit = &l;
  }
  // (A lease near its second's end: the script sizes the next to what is left of the second.)
  if (!c.asking && (!fit || 2 * (left - 1) < c.last_granted)) {
    c.asking = true;  // this call makes the round trip and asks for the next lease
    ask = true;
    return false;
  }
  if (!fit) return false;
  Lease& l = *fit;
  ++l.used;
  l.tokens_used += tokens;
  l.hold_used += std::max<std::int64_t>(budget_nano, 0);
  out.decision = l.decision;
  for (ScopeFigures& f : out.decision.figures) {
    if (f.req_limit > 0) f.req_remaining = std::max<std::int64_t>(0, f.req_remaining - l.used);
    if (f.tok_limit > 0) f.tok_remaining = std::max<std::int64_t>(0, f.tok_remaining - l.tokens_used);
  }
  // Redis' clock as of now (the lease's second at most: the call's tokens are in its bucket).
  out.decision.now_ms =
      std::min(l.decision.now_ms + (now_steady_ms - l.granted_steady_ms), l.second * 1000 + 999);
  out.member = l.id + ":L" + std::to_string(l.used);
  out.hold = l.hold > 0 ? "lease:" + l.id : std::string();
  out.headroom_nano = l.headroom_nano + (l.hold - l.hold_used);
  return true;
}

void LeaseBook::answered(const std::string& cls, std::optional<Lease> lease) {
  auto it = classes_.find(cls);
  if (it == classes_.end()) it = classes_.emplace(cls, Class{}).first;
  Class& c = it->second;
  c.asking = false;
  if (!lease) {
    // Classes seen lately keep their call rate; past kKeptClasses the idle ones go.
    if (classes_.size() > kKeptClasses) {
      const std::int64_t slot = canonical::steady_ms() / 1000;
      std::erase_if(classes_, [slot](const auto& e) {
        return e.second.leases.empty() && !e.second.asking && e.second.slot + 1 < slot;
      });
    }
    return;
  }
  c.last_granted = lease->granted;
  const std::int64_t deadline = lease->deadline_steady_ms;
  c.leases.push_back(std::move(*lease));
  arm(deadline);
}

void LeaseBook::return_ended(std::int64_t now_steady_ms) {
  std::int64_t next = 0;
  for (auto it = classes_.begin(); it != classes_.end();) {
    Class& c = it->second;
    std::erase_if(c.leases, [&](const Lease& l) {
      if (l.deadline_steady_ms > now_steady_ms) {
        if (next == 0 || l.deadline_steady_ms < next) next = l.deadline_steady_ms;
        return false;
      }
      give_back(l);
      return true;
    });
    const bool idle = c.slot + 1 < now_steady_ms / 1000;  // (a class in use keeps its rate)
    if (c.leases.empty() && !c.asking && idle) it = classes_.erase(it);
    else ++it;
  }
  if (next != 0) arm(next);
}

void LeaseBook::arm(std::int64_t deadline_steady_ms) {
  if (armed_for_ != 0 && armed_for_ <= deadline_steady_ms) return;
  armed_for_ = deadline_steady_ms;
  timer_.expires_at(std::chrono::steady_clock::time_point(std::chrono::milliseconds(deadline_steady_ms)));
  std::shared_ptr<bool> live = alive_;
  timer_.async_wait([this, live](const boost::system::error_code& ec) {
    if (!*live || ec == boost::asio::error::operation_aborted) return;  // (re-armed sooner, or gone)
    armed_for_ = 0;
    return_ended(canonical::steady_ms());
  });
}

void LeaseBook::give_back(const Lease& lease) {
  const std::vector<std::string> argv = return_script(lease);
  if (argv.empty()) return;
  // Not awaited. Connection down: the unused part stays counted (requests and tokens until they
  // leave the window, the hold until it lapses): an over-count, never an under-count.
  const std::vector<std::string_view> views(argv.begin(), argv.end());
  redis_.send(views);
}

std::vector<std::vector<std::string>> LeaseBook::take_scripts() {
  std::vector<std::vector<std::string>> out;
  for (auto& [cls, c] : classes_)
    for (const Lease& l : c.leases) {
      std::vector<std::string> argv = return_script(l);
      if (!argv.empty()) out.push_back(std::move(argv));
    }
  classes_.clear();
  return out;
}

std::size_t LeaseBook::size() const {
  std::size_t n = 0;
  for (const auto& [cls, c] : classes_) n += c.leases.size();
  return n;
}

std::vector<std::string> LeaseBook::return_script(const Lease& lease) {
  const std::int64_t tokens = lease.tokens - lease.tokens_used;
  const std::int64_t hold = lease.hold - lease.hold_used;
  if (lease.used >= lease.granted && tokens <= 0 && hold <= 0) return {};
  const std::size_t n = lease.scopes.size();
  std::vector<std::string> argv{"EVAL", std::string(lease_return_script().text),
                                std::to_string(3 * n + lease.hold_keys.size())};
  for (const Scope& s : lease.scopes) {
    argv.push_back(redis_key(s.id, "req"));
    argv.push_back(redis_key(s.id, "tok"));
    argv.push_back(redis_key(s.id, "par"));
  }
  argv.insert(argv.end(), lease.hold_keys.begin(), lease.hold_keys.end());
  argv.push_back(lease.id);
  argv.push_back(std::to_string(lease.second));
  argv.push_back(std::to_string(n));
  argv.push_back(std::to_string(lease.hold_keys.size() / 3));
  argv.push_back(std::to_string(lease.used + 1));
  argv.push_back(std::to_string(lease.granted));
  argv.push_back(std::to_string(std::max<std::int64_t>(tokens, 0)));
  argv.push_back(std::to_string(std::max<std::int64_t>(hold, 0)));
  for (const Scope& s : lease.scopes) {
    argv.push_back(s.rpm > 0 ? "1" : "0");
    argv.push_back(s.tpm > 0 ? "1" : "0");
  }
  return argv;
}

}  // namespace llmgw::limits
