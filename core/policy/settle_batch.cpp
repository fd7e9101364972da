#include "policy/settle_batch.hpp"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "limits/asio_redis.hpp"
#include "policy/budget_scripts.hpp"

namespace llmgw::policy {
namespace {

/// Arguments of one script before its calls: EVAL, text, numkeys; then expiry, keep, number of calls.
constexpr std::size_t kFixedArgs = 6;
constexpr std::size_t kKeysPerGroup = 7;  // push_settle_keys

struct Group {
  std::string_view scope;
  std::int64_t period;
};

/// The groups (scope, period) of calls [from, to), in first-seen order.
std::size_t group_of(std::vector<Group>& groups, std::string_view scope, std::int64_t period) {
  for (std::size_t g = 0; g < groups.size(); ++g)
    if (groups[g].scope == scope && groups[g].period == period) return g;
  groups.push_back(Group{scope, period});
  return groups.size() - 1;
}

/// A scope's seven settle KEYS in a budget period (push_settle_keys), made once per thread and
/// reused by every batch: a batch of a few calls built them again each time (~1.9k instructions
/// a governed request). The scopes a loop sees are few; past kKeptScopes the cache starts again.
const std::vector<std::string>& settle_keys_of(std::string_view scope, std::int64_t period_start_ms) {
  constexpr std::size_t kKeptScopes = 4096;
  struct Made {
    std::int64_t period_start_ms;
    std::vector<std::string> keys;
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view v) const { return std::hash<std::string_view>{}(v); }
  };
  thread_local std::unordered_map<std::string, Made, Hash, std::equal_to<>> made;
  auto it = made.find(scope);
  if (it != made.end() && it->second.period_start_ms == period_start_ms) return it->second.keys;
  if (it == made.end()) {
    if (made.size() >= kKeptScopes) made.clear();
    it = made.emplace(std::string(scope), Made{}).first;
  }
  it->second.period_start_ms = period_start_ms;
  it->second.keys.clear();
  push_settle_keys(it->second.keys, scope, period_start_ms);
  return it->second.keys;
}

/// `with_text` false: argv[1] left empty, for a sender that puts the script's static text there
/// as a view (the ~2 KB text is not copied for every batch).
std::vector<std::string> one_script(const std::vector<SettleBatch::Settle>& settles, std::size_t from,
                                    std::size_t to, SettleBatch::Expiry expiry, bool with_text) {
  std::vector<Group> groups;
  std::vector<std::vector<std::size_t>> call_groups(to - from);
  for (std::size_t c = from; c < to; ++c)
    for (std::size_t i = 0; i < settles[c].scopes.size(); ++i)
      call_groups[c - from].push_back(group_of(groups, settles[c].scopes[i], settles[c].periods[i]));
  std::vector<std::string> argv{"EVAL", with_text ? std::string(settle_budget_script().text) : std::string(),
                                std::to_string(kKeysPerGroup * groups.size())};
  for (const Group& g : groups) {
    const std::vector<std::string>& keys = settle_keys_of(g.scope, g.period);
    argv.insert(argv.end(), keys.begin(), keys.end());
  }
  argv.push_back(std::to_string(expiry.expiry_ms));
  argv.push_back(std::to_string(expiry.keep_ms));
  argv.push_back(std::to_string(to - from));
  for (std::size_t c = from; c < to; ++c) {
    const SettleBatch::Settle& s = settles[c];
    argv.push_back(s.request_id);
    argv.push_back(std::to_string(std::max<std::int64_t>(s.cost_nano, 0)));
    argv.push_back(std::to_string(s.now_ms));
    argv.push_back(s.hold.empty() ? std::string("-") : s.hold);
    argv.push_back(std::to_string(std::max<std::int64_t>(s.hold_part_nano, 0)));
    argv.push_back(std::to_string(call_groups[c - from].size()));
    for (std::size_t g : call_groups[c - from]) argv.push_back(std::to_string(g + 1));
  }
  return argv;
}

/// How many arguments calls [from, to) take in one script.
std::size_t args_of(const std::vector<SettleBatch::Settle>& settles, std::size_t from, std::size_t to) {
  std::vector<Group> groups;
  std::size_t n = kFixedArgs;
  for (std::size_t c = from; c < to; ++c) {
    n += 6 + settles[c].scopes.size();
    for (std::size_t i = 0; i < settles[c].scopes.size(); ++i) group_of(groups, settles[c].scopes[i], settles[c].periods[i]);
  }
  return n + kKeysPerGroup * groups.size();
}

}  // namespace

SettleBatch::SettleBatch(boost::asio::io_context& io, limits::AsyncRedis& redis, Expiry expiry,
                         std::chrono::milliseconds delay)
    : redis_(redis), expiry_(expiry), delay_(delay), timer_(io), hook_(redis.add_batch_flush([this] { flush(); })) {}

SettleBatch::~SettleBatch() {
  redis_.remove_batch_flush(hook_);
  *alive_ = false;
  timer_.cancel();
}

void SettleBatch::add(Settle s) {
  queued_.push_back(std::move(s));
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(delay_);
  std::shared_ptr<bool> live = alive_;
  timer_.async_wait([this, live, armed = ++generation_](const boost::system::error_code&) {
    if (!*live || armed != generation_) return;  // (flushed since: a reserve, another batch's timer)
    armed_ = false;
    redis_.flush_batches();  // this batch and the loop's others (the limits' finishes): one write
  });
}

namespace {

/// SettleBatch::scripts, with or without the text (one_script).
std::vector<std::vector<std::string>> scripts_of(const std::vector<SettleBatch::Settle>& settles,
                                                 SettleBatch::Expiry expiry, std::size_t max_args, bool with_text) {
  std::vector<std::vector<std::string>> out;
  std::size_t from = 0;
  while (from < settles.size()) {
    std::size_t to = from + 1;  // at least one call a script (2 scopes: 29 arguments)
    while (to < settles.size() && args_of(settles, from, to + 1) <= max_args) ++to;
    out.push_back(one_script(settles, from, to, expiry, with_text));
    from = to;
  }
  return out;
}

}  // namespace

std::vector<std::vector<std::string>> SettleBatch::scripts(const std::vector<Settle>& settles, Expiry expiry,
                                                           std::size_t max_args) {
  return scripts_of(settles, expiry, max_args, true);
}

void SettleBatch::flush() {
  if (armed_) {  // sent now: the timer has nothing left to wait for
    armed_ = false;
    ++generation_;
    timer_.cancel();
  }
  if (queued_.empty()) return;
  std::vector<Settle> settles;
  settles.swap(queued_);
  // EVAL, not EVALSHA: a fire-and-forget call never sees NOSCRIPT; Redis caches the script by its SHA-1.
  std::vector<std::string_view> views;
  for (const std::vector<std::string>& argv : scripts_of(settles, expiry_, limits::AsyncRedis::kMaxArgs, false)) {
    views.assign(argv.begin(), argv.end());
    views[1] = settle_budget_script().text;
    if (!redis_.send(views)) break;  // connection down: the rest is dropped too (the holds lapse)
  }
}

std::vector<std::vector<std::string>> SettleBatch::take_scripts() {
  std::vector<Settle> settles;
  settles.swap(queued_);
  return scripts(settles, expiry_, limits::AsyncRedis::kMaxArgs);
}

}  // namespace llmgw::policy
