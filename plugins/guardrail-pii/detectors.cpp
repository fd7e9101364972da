#include "detectors.hpp"

#include "validators.hpp"

namespace llmgw::pii {

bool parse_action(std::string_view text, Action& out) {
  if (text == "redact") out = Action::redact;
  else if (text == "mask") out = Action::mask;
  else if (text == "block") out = Action::block;
  else if (text == "log-only" || text == "log_only") out = Action::log_only;
  else if (text == "off") out = Action::off;
  else return false;
  return true;
}

std::vector<Detector> builtin_detectors() {
  // Bounded repeats everywhere: the longest match bounds what a stream holds back. Secrets come
  // before the generic shapes, so that on equal starts the specific detector names the match.
  // \b in Hyperscan is ASCII word boundary, as in PCRE.
  std::vector<Detector> d;
  auto add = [&](std::string name, std::string placeholder, std::string pattern, Validator v, std::string extra,
                 std::size_t hold_limit = 0, Detector::Base base = Detector::Base::alnum) {
    Detector x;
    x.name = std::move(name);
    x.placeholder = std::move(placeholder);
    x.pattern = std::move(pattern);
    x.validate = v;
    x.extra_chars = std::move(extra);
    x.hold_limit = hold_limit;
    x.base = base;
    d.push_back(std::move(x));
  };
  // The whole-text pass runs every detector's prefilter in one database: a suffix of its pattern
  // (so its match ends include every end of the pattern) that starts on a literal where the
  // pattern has one, without a leading \b. A \b or a class repeat in front costs the whole
  // database 3-10x, even when each pattern alone is fast: Hyperscan then runs one large
  // automaton over every byte instead of waking small ones on literal hits.
  auto prefilter = [&](std::string p) { d.back().prefilter = std::move(p); };
  auto finder = [&](Finder f) { d.back().finder = f; };
  add("private_key", "PRIVATE_KEY",
      R"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s:,\-]+?-----END (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
      nullptr, "+/=:,- \t\n\v\f\r", 16384);  // the body's characters; 16 KB: an RSA 8192 key is 6.5
  prefilter(R"(PRIVATE KEY(?: BLOCK)?-----)");
  add("anthropic_key", "ANTHROPIC_KEY", R"(\bsk-ant-(?:api|admin|oat)\d\d-[A-Za-z0-9_\-]{20,})", nullptr, "-_", 512);
  prefilter(d.back().pattern.substr(2));
  add("openai_key", "OPENAI_KEY", R"(\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,})", nullptr, "-_", 512);
  prefilter(d.back().pattern.substr(2));
  add("github_token", "GITHUB_TOKEN", R"(\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,}))", nullptr,
      "_", 512);
  prefilter(d.back().pattern.substr(2));
  add("slack_token", "SLACK_TOKEN", R"(\bxox[abposr]-[A-Za-z0-9\-]{10,})", nullptr, "-", 512);
  prefilter(d.back().pattern.substr(2));
  add("aws_access_key", "AWS_ACCESS_KEY", R"(\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b)", nullptr, "");
  prefilter(d.back().pattern.substr(2));
  add("jwt", "JWT", R"(\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})", nullptr,
      "-_.", 8192);
  prefilter(d.back().pattern.substr(2));
  add("email", "EMAIL", R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}\b)",
      nullptr, "._%+-@", 320);
  prefilter(R"(@[A-Za-z0-9][A-Za-z0-9.\-]*\.[A-Za-z]{2,24}\b)");
  add("iban", "IBAN", R"(\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b)", &valid_iban, " ", 0, Detector::Base::upper_digits);
  prefilter(d.back().pattern.substr(2));  // streams; whole texts: native_hits.cpp
  finder(Finder::iban);
  add("payment_card", "CARD", R"(\b\d(?:[ \-]?\d){12,18}\b)", &valid_payment_card, " -", 0, Detector::Base::digits);
  prefilter(d.back().pattern.substr(2));
  finder(Finder::payment_card);
  add("us_ssn", "SSN", R"(\b\d{3}-\d{2}-\d{4}\b)", &valid_us_ssn, "-", 0, Detector::Base::digits);
  prefilter(R"(-\d{2}-\d{4}\b)");  // the SSN's last two groups: a '-' literal before digits
  finder(Finder::us_ssn);
  add("phone", "PHONE", R"((?:\+[1-9]\d{0,2}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,4}(?:[ .\-]?\d{1,4}){1,5}|\(\d{3}\) ?\d{3}-\d{4})\b)",
      &valid_phone, "+ .-()", 0, Detector::Base::digits);
  finder(Finder::phone);
  add("ipv4", "IPV4", R"(\b(?:\d{1,3}\.){3}\d{1,3}\b)", &valid_ipv4, ".", 0, Detector::Base::digits);
  prefilter(R"(\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)");  // from the first '.' on
  add("ipv6", "IPV6", R"(\b[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,7}\b)", &valid_ipv6, ":", 0, Detector::Base::hex);
  // From the first ':' on (a leading hex class is everywhere in prose).
  prefilter(R"(:[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){1,6}\b)");
  finder(Finder::ipv6);
  return d;
}

}  // namespace llmgw::pii
