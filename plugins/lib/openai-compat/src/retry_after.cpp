#include <openai_compat/retry_after.hpp>

#include <llmgw/plugin.hpp>

#include <chrono>
#include <cmath>

namespace llmgw::openai_compat {
namespace {

constexpr int64_t kMaxMs = int64_t{1} << 50;  // ~35,000 years: saturate instead of overflowing

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Reads "123" or "12.5" at the front of `s` into `value`; false when no digit.
bool take_number(std::string_view& s, double& value) noexcept {
  std::size_t i = 0;
  double v = 0;
  bool any = false;
  while (i < s.size() && is_digit(s[i])) v = v * 10 + (s[i++] - '0'), any = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    double scale = 0.1;
    while (i < s.size() && is_digit(s[i])) v += (s[i++] - '0') * scale, scale /= 10, any = true;
  }
  if (!any) return false;
  value = v;
  s.remove_prefix(i);
  return true;
}

int64_t ceil_ms(double ms) noexcept {
  if (!(ms >= 0)) return -1;
  if (ms >= static_cast<double>(kMaxMs)) return kMaxMs;
  // Absorb binary noise ("0.3s" is 300.00000000000006 ms) before rounding up.
  return static_cast<int64_t>(std::ceil(ms - 1e-6));
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int month_index(std::string_view m) noexcept {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (iequals(m, kMonths[i])) return i + 1;
  return 0;
}

/// Reads exactly `n` digits (or 1..n when `at_most`) into `out`.
bool take_int(std::string_view& s, std::size_t min_digits, std::size_t max_digits, int& out) noexcept {
  std::size_t i = 0;
  int v = 0;
  while (i < s.size() && i < max_digits && is_digit(s[i])) v = v * 10 + (s[i++] - '0');
  if (i < min_digits) return false;
  out = v;
  s.remove_prefix(i);
  return true;
}

bool take_char(std::string_view& s, char c) noexcept {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

void skip_spaces(std::string_view& s) noexcept {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
}

bool take_time(std::string_view& s, int& h, int& mi, int& se) noexcept {
  return take_int(s, 2, 2, h) && take_char(s, ':') && take_int(s, 2, 2, mi) && take_char(s, ':') &&
         take_int(s, 2, 2, se) && h < 24 && mi < 60 && se <= 60;
}

int64_t to_unix(int y, int mo, int d, int h, int mi, int se) noexcept {
  if (mo < 1 || d < 1 || d > 31) return -1;
  return days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + se;
}

}  // namespace

int64_t parse_duration_ms(std::string_view text) noexcept {
  std::string_view s = trim(text);
  if (s.empty()) return -1;
  double total_ms = 0;
  bool unitless = true;
  while (!s.empty()) {
    double v = 0;
    if (!take_number(s, v)) return -1;
    double unit_ms;
    if (s.empty()) {
      // A bare number: plain seconds (Azure), or Go's "0". Only valid as the whole value.
      if (!unitless) return -1;
      unit_ms = 1000;
    } else if (s.substr(0, 2) == "ns") {
      unit_ms = 1e-6, s.remove_prefix(2);
    } else if (s.substr(0, 2) == "us") {
      unit_ms = 1e-3, s.remove_prefix(2);
    } else if (s.substr(0, 3) == "\xC2\xB5s" || s.substr(0, 3) == "\xCE\xBCs") {  // µs, μs
      unit_ms = 1e-3, s.remove_prefix(3);
    } else if (s.substr(0, 2) == "ms") {
      unit_ms = 1, s.remove_prefix(2);
    } else if (s.front() == 's') {
      unit_ms = 1000, s.remove_prefix(1);
    } else if (s.front() == 'm') {
      unit_ms = 60000, s.remove_prefix(1);
    } else if (s.front() == 'h') {
      unit_ms = 3600000, s.remove_prefix(1);
    } else {
      return -1;
    }
    unitless = false;
    total_ms += v * unit_ms;
  }
  return ceil_ms(total_ms);
}

int64_t parse_http_date(std::string_view text) noexcept {
  std::string_view s = trim(text);
  int d = 0, y = 0, h = 0, mi = 0, se = 0;
  const std::size_t comma = s.find(',');
  if (comma != std::string_view::npos) {
    s.remove_prefix(comma + 1);
    skip_spaces(s);
    if (s.size() > 2 && s[2] == '-') {  // RFC 850: 06-Nov-94 08:49:37 GMT
      if (!take_int(s, 2, 2, d) || !take_char(s, '-') || s.size() < 4) return -1;
      const int mo = month_index(s.substr(0, 3));
      s.remove_prefix(3);
      if (!mo || !take_char(s, '-') || !take_int(s, 2, 4, y)) return -1;
      if (y < 100) y += y < 70 ? 2000 : 1900;
      skip_spaces(s);
      if (!take_time(s, h, mi, se)) return -1;
      skip_spaces(s);
      if (s != "GMT") return -1;
      return to_unix(y, mo, d, h, mi, se);
    }
    // IMF-fixdate: 06 Nov 1994 08:49:37 GMT
    if (!take_int(s, 1, 2, d)) return -1;
    skip_spaces(s);
    if (s.size() < 3) return -1;
    const int mo = month_index(s.substr(0, 3));
    s.remove_prefix(3);
    skip_spaces(s);
    if (!mo || !take_int(s, 4, 4, y)) return -1;
    skip_spaces(s);
    if (!take_time(s, h, mi, se)) return -1;
    skip_spaces(s);
    if (s != "GMT" && s != "UTC" && s != "+0000") return -1;
    return to_unix(y, mo, d, h, mi, se);
  }
  // asctime: Sun Nov  6 08:49:37 1994
  if (s.size() < 4 || s[3] != ' ') return -1;
  s.remove_prefix(4);
  if (s.size() < 3) return -1;
  const int mo = month_index(s.substr(0, 3));
  s.remove_prefix(3);
  skip_spaces(s);
  if (!mo || !take_int(s, 1, 2, d)) return -1;
  skip_spaces(s);
  if (!take_time(s, h, mi, se)) return -1;
  skip_spaces(s);
  if (!take_int(s, 4, 4, y) || !s.empty()) return -1;
  return to_unix(y, mo, d, h, mi, se);
}

int64_t parse_retry_after_ms(std::string_view text, int64_t now_unix_ms) noexcept {
  std::string_view s = trim(text);
  if (s.empty()) return -1;
  if (is_digit(s.front())) {
    double seconds = 0;
    if (!take_number(s, seconds) || !s.empty()) return -1;
    return ceil_ms(seconds * 1000);
  }
  const int64_t at = parse_http_date(s);
  if (at < 0) return -1;
  const int64_t delta = at * 1000 - now_unix_ms;
  return delta > 0 ? delta : 0;
}

int64_t retry_after_from_headers(const llmgw_header* headers, std::size_t count,
                                 int64_t now_unix_ms) noexcept {
  if (!headers) return -1;
  auto header = [&](std::string_view name) { return find_header(headers, count, name); };
  auto ms_value = [](std::string_view v) -> int64_t {
    double ms = 0;
    v = trim(v);
    if (!take_number(v, ms) || !v.empty()) return -1;
    return ceil_ms(ms);
  };
  for (std::string_view name : {"retry-after-ms", "x-ms-retry-after-ms"}) {
    const std::string_view v = header(name);
    if (!v.empty()) {
      const int64_t ms = ms_value(v);
      if (ms >= 0) return ms;
    }
  }
  if (const std::string_view v = header("retry-after"); !v.empty()) {
    const int64_t ms = parse_retry_after_ms(v, now_unix_ms);
    if (ms >= 0) return ms;
  }
  struct Window {
    int64_t reset_ms;
    bool exhausted;
  };
  auto window = [&](std::string_view reset, std::string_view remaining) {
    const int64_t ms = parse_duration_ms(header(reset));
    return Window{ms, ms >= 0 && trim(header(remaining)) == "0"};
  };
  const Window w[2] = {window("x-ratelimit-reset-requests", "x-ratelimit-remaining-requests"),
                       window("x-ratelimit-reset-tokens", "x-ratelimit-remaining-tokens")};
  int64_t longest_exhausted = -1, soonest = -1;
  for (const Window& x : w) {
    if (x.reset_ms < 0) continue;
    if (x.exhausted && x.reset_ms > longest_exhausted) longest_exhausted = x.reset_ms;
    if (soonest < 0 || x.reset_ms < soonest) soonest = x.reset_ms;
  }
  return longest_exhausted >= 0 ? longest_exhausted : soonest;
}

int64_t unix_now_ms() noexcept {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace llmgw::openai_compat
