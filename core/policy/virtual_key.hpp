// Virtual keys: "sk-" + 43 characters of base64url (32 random bytes from OpenSSL's RAND_bytes),
// shown once to whoever generated it; the store keeps only its SHA-256 (lower-case hex).
// Looking a key up by its hash makes the comparison of secrets unnecessary on the hot path;
// where two secrets are compared (the master key), keys_equal takes the same time whatever
// the first differing byte.
#pragma once

#include <string>
#include <string_view>

namespace llmgw::policy {

/// A new key. Throws std::runtime_error when the system has no randomness to give.
std::string generate_virtual_key();

/// SHA-256 of the key's bytes, 64 lower-case hex digits.
std::string hash_key(std::string_view key);

/// Constant-time in the contents (CRYPTO_memcmp); different lengths are unequal at once (the
/// length of a key is not a secret).
bool keys_equal(std::string_view a, std::string_view b);

/// Whether `key` has the shape of a key this gateway generates ("sk-" + 43 base64url
/// characters). A cheap pre-check before hashing what a client sent.
bool looks_like_virtual_key(std::string_view key);

/// "sk-...abcd": enough for a person to tell keys apart in logs and lists, nothing more.
std::string key_hint(std::string_view key);

}  // namespace llmgw::policy
