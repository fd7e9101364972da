// The built-in detectors: name (as configured and as reported on a block), placeholder type
// ([EMAIL_1]), Hyperscan pattern, and the validator a match must pass.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::pii {

enum class Action { redact, mask, block, log_only, off };

/// "redact", "mask", "block", "log-only" (also "log_only"), "off"; false when unknown.
bool parse_action(std::string_view text, Action& out);

using Validator = bool (*)(std::string_view match);

/// How the whole-text pass finds a built-in detector's ends (native_hits.hpp): with Hyperscan
/// (none), by hand (payment_card, us_ssn, iban, phone), or with Hyperscan and then a filter
/// (ipv6). Only builtin_detectors() sets it: its patterns are what the code mirrors.
enum class Finder : unsigned char { none, payment_card, us_ssn, iban, phone, ipv6 };

struct Detector {
  std::string name;         // "email"
  std::string placeholder;  // "EMAIL"
  std::string pattern;      // Hyperscan (PCRE subset): the exact pattern (start-of-match pass)
  /// A faster pattern for the whole-text pass whose match ends include every end of `pattern`
  /// (e.g. without a leading \b over a frequent class); empty: `pattern` itself.
  std::string prefilter;
  bool caseless = false;
  Validator validate = nullptr;  // null: the pattern is enough
  /// The characters a match may contain (for the stream hold-back): the `base` class plus
  /// `extra_chars`; `any_char` when a match may hold anything (then the hold-back is the
  /// longest match).
  enum class Base { alnum, digits, hex, upper_digits } base = Base::alnum;
  std::string extra_chars;
  bool any_char = false;
  std::size_t max_length = 0;    // the longest match (from Hyperscan's expression info; 0: unbounded)
  /// For an unbounded pattern: the longest run of its characters a stream holds back (a longer
  /// secret split across events is found, but only its last hold_limit bytes are redacted).
  std::size_t hold_limit = 0;
  Action action = Action::redact;
  Finder finder = Finder::none;
};

/// A detector the whole-text pass finds by hand (native_hits.hpp).
struct NativeDetector {
  unsigned detector;  // index into the scanner's detectors
  Finder finder;
};

/// Every built-in detector with its default action (redact).
std::vector<Detector> builtin_detectors();

}  // namespace llmgw::pii
