// hash_key (policy/virtual_key) remembered per thread: a governed request hashes the key it
// presents (SHA-256, ~3k instructions on the loop), and a client sends the same key again and
// again. Each thread keeps the last keys it hashed in a small direct-mapped table (kSlots
// entries; a key evicts whatever shared its slot) with their hashes. Only the hash is kept, never
// a record: the key is still looked up in the key cache's current snapshot on every request, so a
// key blocked, changed or deleted is refused exactly as promptly as without the memo. A slot is
// matched on the whole key, compared in constant time (keys_equal): a timing difference tells a
// caller nothing about a key it does not already hold. Evicted keys are wiped (OPENSSL_cleanse).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace llmgw::policy {

inline constexpr std::size_t kKeyHashMemoSlots = 64;

/// hash_key(key), from this thread's memo when `key` was hashed on this thread lately. The
/// reference stays valid until the next call on this thread.
const std::string& memo_hash_key(std::string_view key);

/// This thread's lookups that found their key in the memo, and those that hashed it (tests).
struct KeyHashMemoStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
};
KeyHashMemoStats key_hash_memo_stats();

}  // namespace llmgw::policy
