// The whole-text pass scans each detector's prefilter, not its pattern; only around the ends it
// reports does the exact pattern run. So every end of the pattern must be an end of the
// prefilter, or a match is lost. Checked with Hyperscan itself: both compiled alone, every end
// of the pattern looked up among the prefilter's, on texts made of each detector's own alphabet
// (random, so that partial and overlapping shapes come up) and on every positive example.
#include <catch2/catch.hpp>

#include <hs/hs.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "detectors.hpp"

using namespace llmgw::pii;

namespace {

struct Db {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  explicit Db(const std::string& pattern) {
    hs_compile_error_t* error = nullptr;
    REQUIRE(hs_compile(pattern.c_str(), 0, HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS);
    REQUIRE(hs_alloc_scratch(db, &scratch) == HS_SUCCESS);
  }
  ~Db() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
  std::set<unsigned long long> ends(const std::string& text) const {
    std::set<unsigned long long> out;
    hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
            [](unsigned, unsigned long long, unsigned long long to, unsigned, void* ctx) {
              static_cast<std::set<unsigned long long>*>(ctx)->insert(to);
              return 0;
            },
            &out);
    return out;
  }
};

/// Characters the detectors' shapes are made of, weighted towards digits and separators.
const std::string kAlphabet = "0123456789012345678901234567890123456789 - . : @ + ( ) / = _ abcdefABCDEFXYZKIAhsktnpoxuv-----\n";

}  // namespace

TEST_CASE("every end of a detector's pattern is an end of its prefilter", "[scan]") {
  const std::vector<std::string> examples = {
      "write to john.doe@example.com today", "call +1 415 555 2671 now", "card 4111 1111 1111 1111 exp",
      "IBAN DE89 3704 0044 0532 0130 00 please", "to GB82WEST12345698765432", "SSN 123-45-6789.",
      "host 192.168.1.10 is down", "at 2001:db8::8a2e:370:7334 now", "fe80::1ff:fe23:4567:890a",
      "key AKIAIOSFODNN7EXAMPLE", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789",
      "x-api-key: sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEf-_AbCdEf",
      "token ghp_1234567890abcdefghijABCDEFGHIJ123456 github_pat_11ABCDEFGHIJKLMNOPQRSTUV_x",
      "xoxb-123456789012-1234567890123-abcdefghij", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36P",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2mG\n-----END RSA PRIVATE KEY-----\n"
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\nAB\n-----END PGP PRIVATE KEY BLOCK-----",
  };
  std::mt19937 rng(12);
  for (const Detector& d : builtin_detectors()) {
    if (d.prefilter.empty()) continue;
    INFO(d.name);
    const Db pattern(d.pattern), prefilter(d.prefilter);
    std::vector<std::string> texts = examples;
    for (int i = 0; i < 3000; ++i) {
      std::string t;
      const std::size_t n = 8 + rng() % 64;
      for (std::size_t k = 0; k < n; ++k) t += kAlphabet[rng() % kAlphabet.size()];
      // Splice in a positive example's piece now and then, so that whole shapes occur too.
      if (i % 3 == 0) {
        const std::string& e = examples[rng() % examples.size()];
        const std::size_t from = rng() % e.size();
        t.insert(rng() % t.size(), e.substr(from, 1 + rng() % (e.size() - from)));
      }
      texts.push_back(std::move(t));
    }
    std::size_t pattern_ends = 0;
    for (const std::string& t : texts) {
      const auto want = pattern.ends(t), got = prefilter.ends(t);
      pattern_ends += want.size();
      for (unsigned long long end : want) {
        INFO(t << " @" << end);
        CHECK(got.count(end) == 1);
      }
    }
    CHECK(pattern_ends > 0);  // the texts did exercise this detector
  }
}
