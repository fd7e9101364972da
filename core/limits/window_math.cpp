#include "limits/window_math.hpp"

#include <algorithm>
#include <iterator>

namespace llmgw::limits {

bool RequestWindow::remove(std::int64_t at_ms) {
  for (auto it = times_.rbegin(); it != times_.rend(); ++it) {
    if (*it < at_ms) return false;  // ascending: none further back
    if (*it == at_ms) {
      times_.erase(std::next(it).base());
      return true;
    }
  }
  return false;
}

bool RequestWindow::check(std::int64_t now_ms, std::int64_t limit, ScopeFigures& f, std::int64_t& retry_ms) {
  while (!times_.empty() && times_.front() <= now_ms - kWindowMs) times_.pop_front();
  const auto count = static_cast<std::int64_t>(times_.size());
  f.req_limit = limit;
  if (count + 1 <= limit) {
    f.req_remaining = limit - count - 1;
    f.req_reset_ms = kWindowMs;  // this request is the newest
    return true;
  }
  f.req_remaining = std::max<std::int64_t>(0, limit - count);
  f.req_reset_ms = times_.empty() ? 0 : times_.back() + kWindowMs - now_ms;
  // One slot frees when the (count - limit)th oldest leaves (0-based).
  const std::int64_t frees = times_[static_cast<std::size_t>(count - limit)] + kWindowMs - now_ms;
  retry_ms = std::max<std::int64_t>(1, frees);
  return false;
}

std::int64_t TokenWindow::used(std::int64_t now_ms) const {
  const std::int64_t now_s = now_ms / 1000;
  std::int64_t sum = 0;
  for (const Bucket& b : buckets_)
    if (b.second > now_s - kWindowSeconds && b.second <= now_s) sum += b.tokens;
  return sum;
}

bool TokenWindow::check(std::int64_t now_ms, std::int64_t limit, std::int64_t need, ScopeFigures& f,
                        std::int64_t& retry_ms) {
  const std::int64_t now_s = now_ms / 1000;
  std::int64_t used = 0, newest = -1;
  for (const Bucket& b : buckets_) {
    if (b.second <= now_s - kWindowSeconds || b.second > now_s || b.tokens <= 0) continue;
    used += b.tokens;
    newest = std::max(newest, b.second);
  }
  f.tok_limit = limit;
  if (used + need <= limit) {
    f.tok_remaining = limit - used - need;
    f.tok_reset_ms = need > 0 ? kWindowMs - now_ms % 1000 : newest < 0 ? 0 : (newest + kWindowSeconds) * 1000 - now_ms;
    return true;
  }
  f.tok_remaining = std::max<std::int64_t>(0, limit - used);
  f.tok_reset_ms = newest < 0 ? 0 : (newest + kWindowSeconds) * 1000 - now_ms;
  // Walk the buckets oldest first until enough has left the window.
  std::array<Bucket, kWindowSeconds> live{};
  std::size_t n = 0;
  for (const Bucket& b : buckets_)
    if (b.second > now_s - kWindowSeconds && b.second <= now_s && b.tokens > 0) live[n++] = b;
  std::sort(live.begin(), live.begin() + static_cast<std::ptrdiff_t>(n),
            [](const Bucket& a, const Bucket& b) { return a.second < b.second; });
  std::int64_t left = used;
  retry_ms = kWindowMs;
  for (std::size_t i = 0; i < n; ++i) {
    left -= live[i].tokens;
    if (left + need <= limit) {
      retry_ms = (live[i].second + kWindowSeconds) * 1000 - now_ms;
      break;
    }
  }
  retry_ms = std::max<std::int64_t>(1, retry_ms);
  return false;
}

void TokenWindow::add(std::int64_t second, std::int64_t tokens, std::int64_t now_ms) {
  const std::int64_t now_s = now_ms / 1000;
  if (second <= now_s - kWindowSeconds || second > now_s) {
    if (tokens <= 0) return;
    second = now_s;
  }
  Bucket& b = buckets_[static_cast<std::size_t>(second % kWindowSeconds)];
  if (b.second != second) b = Bucket{second, 0};
  b.tokens = std::max<std::int64_t>(0, b.tokens + tokens);
}

bool ParallelCount::check(std::int64_t limit, ScopeFigures& f, std::int64_t& retry_ms) const {
  f.par_limit = limit;
  if (in_flight + 1 <= limit) {
    f.par_remaining = limit - in_flight - 1;
    return true;
  }
  f.par_remaining = std::max<std::int64_t>(0, limit - in_flight);
  retry_ms = kParallelRetryMs;
  return false;
}

std::string format_reset(std::int64_t ms) {
  if (ms <= 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string out;
  if (ms >= 60'000) {
    out = std::to_string(ms / 60'000) + "m";
    ms %= 60'000;
  }
  out += std::to_string(ms / 1000);
  if (const std::int64_t frac = ms % 1000) {
    std::string digits = std::to_string(frac + 1000).substr(1);  // three digits
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "s";
}

}  // namespace llmgw::limits
