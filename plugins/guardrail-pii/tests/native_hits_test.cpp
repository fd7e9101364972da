// native_hits finds the digit detectors' ends by hand in the whole-text pass (and the phone's
// starts, and filters the ipv6 prefilter's ends): like a prefilter, it may report ends that are
// no match, never miss one. Checked against Hyperscan itself on random texts of the shapes'
// alphabet with positive examples spliced in, and on texts long enough to cross the 64-byte
// words the masks are built of.
#include <catch2/catch.hpp>

#include <hs/hs.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "detectors.hpp"
#include "native_hits.hpp"
#include "scanner.hpp"

using namespace llmgw::pii;

namespace {

struct Db {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  explicit Db(const std::string& pattern, unsigned flags = 0) {
    hs_compile_error_t* error = nullptr;
    REQUIRE(hs_compile(pattern.c_str(), flags, HS_MODE_BLOCK, nullptr, &db, &error) == HS_SUCCESS);
    REQUIRE(hs_alloc_scratch(db, &scratch) == HS_SUCCESS);
  }
  ~Db() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
  /// (start, end) of every match; start is 0 unless compiled with HS_FLAG_SOM_LEFTMOST.
  std::set<std::pair<unsigned long long, unsigned long long>> matches(const std::string& text) const {
    std::set<std::pair<unsigned long long, unsigned long long>> out;
    hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
            [](unsigned, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
              static_cast<std::set<std::pair<unsigned long long, unsigned long long>>*>(ctx)->insert({from, to});
              return 0;
            },
            &out);
    return out;
  }
};

const std::string kAlphabet = "0123456789012345678901234567890123456789    ----.()+:_ABCDEFGHXYZabcdefxyz\n";
const std::vector<std::string> kExamples = {
    "card 4111 1111 1111 1111 exp", "4111-1111-1111-1111", "378282246310005", "6011 0009 9013 9424 123",
    "SSN 123-45-6789.", "x 078-05-1120 y", "IBAN DE89 3704 0044 0532 0130 00 please", "to GB82WEST12345698765432",
    "NO9386011117947", "call +1 415 555 2671 now", "+44 (20) 7946-0958", "(415) 555-2671", "+49.30.1234567",
    "at 2001:db8::8a2e:370:7334 now", "fe80::1ff:fe23:4567:890a", "::1", "10:30:45 and 1:2:3",
};

std::vector<std::string> texts(std::mt19937& rng, std::size_t max_len) {
  std::vector<std::string> out = kExamples;
  for (int i = 0; i < 4000; ++i) {
    std::string t;
    const std::size_t n = 8 + rng() % max_len;
    for (std::size_t k = 0; k < n; ++k) t += kAlphabet[rng() % kAlphabet.size()];
    for (int splice = 0; splice < 1 + static_cast<int>(n / 64); ++splice)
      if (rng() % 2 == 0) {
        const std::string& e = kExamples[rng() % kExamples.size()];
        const std::size_t from = rng() % e.size();
        t.insert(rng() % t.size(), e.substr(from, 1 + rng() % (e.size() - from)));
      }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

TEST_CASE("every end of a native detector's pattern is a native hit; every phone start a native start", "[scan]") {
  std::mt19937 rng(7);
  const std::vector<Detector> all = builtin_detectors();
  for (std::size_t len : {64u, 300u}) {
    const std::vector<std::string> inputs = texts(rng, len);
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Detector& d = all[i];
      if (d.finder == Finder::none || d.finder == Finder::ipv6) continue;
      INFO(d.name);
      const Db pattern(d.pattern, HS_FLAG_SOM_LEFTMOST);
      const std::vector<NativeDetector> native = {{static_cast<unsigned>(i), d.finder}};
      std::size_t ends = 0;
      for (const std::string& t : inputs) {
        std::vector<Hit> hits;
        find_native_hits(t, native, hits);
        std::set<unsigned long long> got;
        for (const Hit& h : hits) {
          CHECK(h.detector == i);
          got.insert(h.end);
        }
        std::vector<Hit> none;
        std::vector<std::size_t> starts;
        find_native_hits(t, native, none, &starts);
        const std::set<std::size_t> start_set(starts.begin(), starts.end());
        for (const auto& [from, to] : pattern.matches(t)) {
          INFO(t << " @" << from << "-" << to);
          ++ends;
          CHECK(got.count(to) == 1);
          if (d.finder == Finder::phone) CHECK(start_set.count(from) == 1);
        }
        if (d.finder != Finder::phone) CHECK(starts.empty());
      }
      CHECK(ends > 0);  // the texts did exercise this detector
    }
  }
}

TEST_CASE("the ipv6 filter keeps every end of the pattern; it drops a time's", "[scan]") {
  std::mt19937 rng(9);
  const Detector* ipv6 = nullptr;
  const std::vector<Detector> all = builtin_detectors();
  for (const Detector& d : all)
    if (d.finder == Finder::ipv6) ipv6 = &d;
  REQUIRE(ipv6);
  const Db pattern(ipv6->pattern);
  std::size_t ends = 0;
  for (const std::string& t : texts(rng, 200))
    for (const auto& [from, to] : pattern.matches(t)) {
      INFO(t << " @" << to);
      ++ends;
      CHECK(ipv6_can_end(t, static_cast<std::size_t>(to)));
    }
  CHECK(ends > 0);
  const std::string time = "2024-01-15T10:30:45Z";
  CHECK_FALSE(ipv6_can_end(time, time.find("30:") + 3));
  const std::string ip = "at fe80::1ff:fe23 now";
  CHECK(ipv6_can_end(ip, ip.find(" now")));
}

TEST_CASE("the whole-text pass finds what each detector's pattern finds on number-dense text", "[scan]") {
  // Numbers everywhere (order numbers, times, ids) with one of each shape among them: the
  // scanner's matches are the patterns' own (validated) matches, nothing lost to the hand-made pass.
  const std::string dense =
      "Order #A-2024-000123 shipped on 2024-01-15T10:30:45Z with id 550e8400-e29b-41d4-a716-446655440000. ";
  const std::vector<std::pair<std::string, std::string>> planted = {
      {"payment_card", "4111 1111 1111 1111"}, {"us_ssn", "123-45-6789"}, {"iban", "GB82 WEST 1234 5698 7654 32"},
      {"phone", "+44 20 7946 0958"}, {"ipv6", "2001:db8::8a2e:370:7334"}};
  std::string text;
  for (const auto& planted_one : planted) {
    for (int i = 0; i < 8; ++i) text += dense;
    text += "See " + planted_one.second + " here. ";
  }
  for (int i = 0; i < 8; ++i) text += dense;
  Scanner scanner(builtin_detectors(), {});
  const std::vector<Match> found = scanner.scan(text);
  for (const auto& [name, value] : planted) {
    INFO(name);
    bool seen = false;
    for (const Match& m : found)
      if (scanner.detectors()[m.detector].name == name && text.substr(m.from, m.to - m.from) == value) seen = true;
    CHECK(seen);
  }
  CHECK(found.size() == planted.size());  // and nothing among the order numbers, times and ids
}
