// The guardrail's settings, read from the plugins.load entry's `config:` (JSON). See
// config.schema.json beside this file and README.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "term_matcher.hpp"

namespace denylist {

struct Config {
  std::vector<Term> terms;              // "block" terms and "redact" terms
  std::string replacement = "[REDACTED]";
  bool case_sensitive = false;
  std::uint64_t max_input_bytes = 0;    // 0: no limit
};

inline constexpr std::size_t kMaxTerms = 10000;
inline constexpr std::size_t kMaxTermBytes = 1024;

/// Parses `json`. Throws std::invalid_argument with one line naming the offending key.
Config parse_config(std::string_view json);

}  // namespace denylist
