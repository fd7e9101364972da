#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "policy/key_hash_memo.hpp"
#include "policy/virtual_key.hpp"

using namespace llmgw::policy;

TEST_CASE("generated keys: sk- and 43 base64url characters, all different", "[policy][keys]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string k = generate_virtual_key();
    REQUIRE(k.size() == 46);
    REQUIRE(k.rfind("sk-", 0) == 0);
    REQUIRE(looks_like_virtual_key(k));
    for (char c : k.substr(3)) REQUIRE((std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'));
    seen.insert(k);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("a key is stored as its SHA-256 in hex", "[policy][keys]") {
  // FIPS 180-2 test vector: SHA-256("abc").
  CHECK(hash_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_key("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string k = generate_virtual_key();
  const std::string h = hash_key(k);
  CHECK(h.size() == 64);
  CHECK(h.find(k.substr(3)) == std::string::npos);
  CHECK(hash_key(k) == h);
  CHECK(hash_key(k + "x") != h);
}

TEST_CASE("key comparison", "[policy][keys]") {
  CHECK(keys_equal("sk-abc", "sk-abc"));
  CHECK_FALSE(keys_equal("sk-abc", "sk-abd"));
  CHECK_FALSE(keys_equal("sk-abc", "sk-ab"));
  CHECK(keys_equal("", ""));
  CHECK_FALSE(keys_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

TEST_CASE("what does not look like a generated key", "[policy][keys]") {
  const std::string k = generate_virtual_key();
  CHECK_FALSE(looks_like_virtual_key(k.substr(0, 45)));
  CHECK_FALSE(looks_like_virtual_key(k + "A"));
  CHECK_FALSE(looks_like_virtual_key("pk-" + k.substr(3)));
  std::string bad = k;
  bad[10] = '+';
  CHECK_FALSE(looks_like_virtual_key(bad));
  CHECK_FALSE(looks_like_virtual_key(""));
}

TEST_CASE("a key hint shows the last four characters only", "[policy][keys]") {
  const std::string k = generate_virtual_key();
  const std::string hint = key_hint(k);
  CHECK(hint == "sk-..." + k.substr(42));
  CHECK(key_hint("sk-1") == "sk-...");
}

TEST_CASE("virtual keys: the hash is the same from every thread, call after call") {
  // hash_key keeps a digest context per thread and the algorithm fetched once.
  const std::string k = llmgw::policy::generate_virtual_key();
  const std::string want = llmgw::policy::hash_key(k);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (llmgw::policy::hash_key(k) != want || llmgw::policy::hash_key("abc") !=
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
          ++wrong;
    });
  for (auto& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("key hash memo: each key gets its own hash, a key seen again is not hashed again", "[policy][keys]") {
  // More keys than slots: some share a slot and evict each other; each still gets its own hash.
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < 3 * kKeyHashMemoSlots; ++i) keys.push_back(generate_virtual_key());
  for (int round = 0; round < 2; ++round)
    for (const std::string& k : keys) CHECK(memo_hash_key(k) == hash_key(k));
  // A key of the same length differing in its last character only: never its neighbour's hash.
  const std::string k = keys.front();
  std::string near = k;
  near.back() = near.back() == 'A' ? 'B' : 'A';
  CHECK(memo_hash_key(k) == hash_key(k));
  CHECK(memo_hash_key(near) == hash_key(near));
  // Asked again right away: found in the memo.
  const KeyHashMemoStats before = key_hash_memo_stats();
  CHECK(memo_hash_key(near) == hash_key(near));
  CHECK(memo_hash_key(near) == hash_key(near));
  const KeyHashMemoStats after = key_hash_memo_stats();
  CHECK(after.hits == before.hits + 2);
  CHECK(after.misses == before.misses);
  // Per thread: another thread hashes it once itself.
  KeyHashMemoStats other;
  std::thread([&] {
    CHECK(memo_hash_key(near) == hash_key(near));
    other = key_hash_memo_stats();
  }).join();
  CHECK(other.hits == 0);
  CHECK(other.misses == 1);
}
