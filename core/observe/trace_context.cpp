#include "observe/trace_context.hpp"

#include <chrono>
#include <random>

namespace llmgw::observe {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // upper case is invalid in traceparent
}

/// Reads 2*n hex digits at `p` into `out`.
bool read_hex(std::string_view text, std::size_t at, int digits, uint64_t& out) {
  uint64_t v = 0;
  for (int i = 0; i < digits; ++i) {
    const int d = hex_digit(text[at + static_cast<std::size_t>(i)]);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::mt19937_64& rng() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator;
}

}  // namespace

bool parse_traceparent(std::string_view value, TraceContext& out) {
  const std::string_view v = trim(value);
  if (v.size() < 55) return false;
  uint64_t version = 0, hi = 0, lo = 0, parent = 0, flags = 0;
  if (!read_hex(v, 0, 2, version) || version == 0xff) return false;
  if (version == 0 && v.size() != 55) return false;
  if (version != 0 && v.size() > 55 && v[55] != '-') return false;
  if (v[2] != '-' || v[35] != '-' || v[52] != '-') return false;
  if (!read_hex(v, 3, 16, hi) || !read_hex(v, 19, 16, lo) || !read_hex(v, 36, 16, parent) ||
      !read_hex(v, 53, 2, flags))
    return false;
  if ((hi == 0 && lo == 0) || parent == 0) return false;
  out.trace_hi = hi;
  out.trace_lo = lo;
  out.parent_span = parent;
  out.sampled = (flags & 1) != 0;
  out.from_client = true;
  return true;
}

uint64_t new_span_id() {
  uint64_t v = 0;
  while (v == 0) v = rng()();
  return v;
}

TraceContext trace_for_request(std::string_view traceparent) {
  TraceContext t;
  if (traceparent.empty() || !parse_traceparent(traceparent, t)) {
    t = TraceContext{};
    t.trace_hi = rng()();
    t.trace_lo = new_span_id();
  }
  t.span = new_span_id();
  return t;
}

void to_hex(uint64_t v, int n, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 2 * n - 1; i >= 0; --i, v >>= 4) out[i] = kHex[v & 15];
}

void format_traceparent(const TraceContext& trace, uint64_t span, char out[55]) {
  out[0] = '0';
  out[1] = '0';
  out[2] = '-';
  to_hex(trace.trace_hi, 8, out + 3);
  to_hex(trace.trace_lo, 8, out + 19);
  out[35] = '-';
  to_hex(span, 8, out + 36);
  out[52] = '-';
  out[53] = '0';
  out[54] = trace.sampled ? '1' : '0';
}

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace llmgw::observe
