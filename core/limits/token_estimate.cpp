#include "limits/token_estimate.hpp"

#include <algorithm>

namespace llmgw::limits {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// The value after every `"name"` followed by `:` and an unsigned integer.
std::int64_t largest_after(std::string_view body, std::string_view quoted_name) {
  std::int64_t best = 0;
  for (std::size_t at = body.find(quoted_name); at != std::string_view::npos;
       at = body.find(quoted_name, at + 1)) {
    std::size_t i = at + quoted_name.size();
    while (i < body.size() && is_space(body[i])) ++i;
    if (i >= body.size() || body[i] != ':') continue;
    ++i;
    while (i < body.size() && is_space(body[i])) ++i;
    std::int64_t v = 0;
    int digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9' && digits < 10) {
      v = v * 10 + (body[i] - '0');
      ++i;
      ++digits;
    }
    if (digits > 0) best = std::max(best, v);
  }
  return best;
}

}  // namespace

std::int64_t requested_output_tokens(std::string_view body) {
  return std::max({largest_after(body, "\"max_tokens\""), largest_after(body, "\"max_completion_tokens\""),
                   largest_after(body, "\"max_output_tokens\"")});
}

std::int64_t estimate_tokens(std::string_view body) {
  return static_cast<std::int64_t>((body.size() + 3) / 4) + requested_output_tokens(body);
}

}  // namespace llmgw::limits
