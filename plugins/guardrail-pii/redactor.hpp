// What replaces a match: a typed placeholder numbered per call ([EMAIL_1], the same value gets
// the same number within one call or stream), or a mask keeping the last four letters or digits.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "detectors.hpp"

namespace llmgw::pii {

class Redactor {
 public:
  /// The replacement for `value` matched by `d` (action redact or mask).
  std::string replacement(const Detector& d, std::string_view value);

 private:
  std::map<std::pair<std::string, std::string>, int> numbers_;  // (type, value) → n
  std::map<std::string, int> counts_;                            // type → last n
};

/// `value` with every letter or digit but the last four (when it has at least eight) as '*';
/// separators are kept.
std::string mask(std::string_view value);
/// `value` with every letter or digit as '*' (a match a stream fails closed on: its end, where
/// mask() keeps four, is not known).
std::string mask_all(std::string_view value);

}  // namespace llmgw::pii
