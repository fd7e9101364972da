#include "policy/key_hash_memo.hpp"

#include <openssl/crypto.h>

#include <array>
#include <functional>

#include "policy/virtual_key.hpp"

namespace llmgw::policy {
namespace {

struct Slot {
  std::string key;  // empty: unused
  std::string hash;
  void wipe() {
    if (!key.empty()) OPENSSL_cleanse(key.data(), key.size());
    key.clear();
  }
};

struct Memo {
  std::array<Slot, kKeyHashMemoSlots> slots;
  KeyHashMemoStats stats;
  ~Memo() {
    for (Slot& s : slots) s.wipe();
  }
};

Memo& memo() {
  thread_local Memo m;
  return m;
}

}  // namespace

const std::string& memo_hash_key(std::string_view key) {
  Memo& m = memo();
  Slot& s = m.slots[std::hash<std::string_view>{}(key) % kKeyHashMemoSlots];
  if (!key.empty() && keys_equal(s.key, key)) {
    ++m.stats.hits;
    return s.hash;
  }
  ++m.stats.misses;
  std::string hash = hash_key(key);  // (throws before the slot changes)
  s.wipe();
  s.key.assign(key);
  s.hash = std::move(hash);
  return s.hash;
}

KeyHashMemoStats key_hash_memo_stats() { return memo().stats; }

}  // namespace llmgw::policy
