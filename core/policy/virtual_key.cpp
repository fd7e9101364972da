#include "policy/virtual_key.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace llmgw::policy {
namespace {

constexpr std::string_view kPrefix = "sk-";
constexpr std::size_t kRandomBytes = 32;
constexpr std::size_t kEncodedChars = 43;  // ceil(32 * 8 / 6), no padding
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool is_base64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string base64url(const unsigned char* p, std::size_t n) {
  std::string out;
  out.reserve((n * 8 + 5) / 6);
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

}  // namespace

std::string generate_virtual_key() {
  std::array<unsigned char, kRandomBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("RAND_bytes failed: no randomness for a new key");
  std::string key(kPrefix);
  key += base64url(bytes.data(), bytes.size());
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

std::string hash_key(std::string_view key) {
  // Every governed request hashes its key. EVP_Digest with EVP_sha256() looks the algorithm up
  // in the provider store and makes and frees a context each time (~5.5k instructions); the
  // algorithm fetched once and a context kept per thread leave the hashing itself.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(ctx); }
  };
  thread_local const Context context;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!sha256 || !context.ctx || EVP_DigestInit_ex2(context.ctx, sha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.ctx, key.data(), key.size()) != 1 || EVP_DigestFinal_ex(context.ctx, digest, &len) != 1)
    throw std::runtime_error("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

bool keys_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool looks_like_virtual_key(std::string_view key) {
  if (key.size() != kPrefix.size() + kEncodedChars || key.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : key.substr(kPrefix.size()))
    if (!is_base64url(c)) return false;
  return true;
}

std::string key_hint(std::string_view key) {
  if (key.size() < kPrefix.size() + 8) return "sk-...";
  return std::string(kPrefix) + "..." + std::string(key.substr(key.size() - 4));
}

}  // namespace llmgw::policy
