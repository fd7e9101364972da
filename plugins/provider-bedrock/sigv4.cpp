#include "sigv4.hpp"

#include <algorithm>
#include <ctime>

namespace llmgw::provider_bedrock::sigv4 {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr char kHexUpper[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
         c == '~';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// Trimmed, with runs of spaces inside collapsed to one (SigV4 canonical header values).
std::string canonical_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string_view as_view(const Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

}  // namespace

Digest HostCrypto::sha256(std::string_view data) const {
  Digest d{};
  h_->sha256(h_->ctx, llmgw_str{data.data(), data.size()}, d.data());
  return d;
}

Digest HostCrypto::hmac(std::string_view key, std::string_view data) const {
  Digest d{};
  h_->hmac_sha256(h_->ctx, llmgw_str{key.data(), key.size()}, llmgw_str{data.data(), data.size()}, d.data());
  return d;
}

std::string HostCrypto::sha256_hex(std::string_view data) const {
  const Digest d = sha256(data);
  return hex(d.data(), d.size());
}

std::string hex(const uint8_t* bytes, std::size_t n) {
  std::string out(n * 2, '0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xf];
  }
  return out;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 0xf]);
    }
  }
  return out;
}

std::string canonical_uri(std::string_view encoded_path) {
  if (encoded_path.empty()) return "/";
  return uri_encode(encoded_path, true);
}

std::string canonical_query(std::string_view q) {
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  while (!q.empty()) {
    const std::size_t amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    pairs.emplace_back(pair.substr(0, eq), eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out.push_back('&');
    out.append(k).push_back('=');
    out.append(v);
  }
  return out;
}

std::string amz_date(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf, n);
}

Signed sign(const HostCrypto& crypto, const Credentials& creds, const Request& r) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.reserve(r.headers.size());
  for (const auto& [n, v] : r.headers) headers.emplace_back(lower(n), canonical_value(v));
  std::sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  Signed s;
  std::string canonical_headers;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    // Repeated names are one line, values joined by commas in the order given.
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      canonical_headers.pop_back();
      canonical_headers.append(",").append(headers[i].second).push_back('\n');
      continue;
    }
    canonical_headers.append(headers[i].first).append(":").append(headers[i].second).push_back('\n');
    if (!s.signed_headers.empty()) s.signed_headers.push_back(';');
    s.signed_headers.append(headers[i].first);
  }
  s.canonical_request.append(r.method).push_back('\n');
  s.canonical_request.append(r.canonical_uri).push_back('\n');
  s.canonical_request.append(r.canonical_query).push_back('\n');
  s.canonical_request.append(canonical_headers).push_back('\n');
  s.canonical_request.append(s.signed_headers).push_back('\n');
  s.canonical_request.append(r.payload_hash);

  const std::string_view date = r.amz_date.substr(0, 8);
  std::string scope;
  scope.append(date).append("/").append(creds.region).append("/").append(creds.service).append("/aws4_request");
  s.string_to_sign = "AWS4-HMAC-SHA256\n";
  s.string_to_sign.append(r.amz_date).push_back('\n');
  s.string_to_sign.append(scope).push_back('\n');
  s.string_to_sign.append(crypto.sha256_hex(s.canonical_request));

  std::string secret = "AWS4";
  secret.append(creds.secret_access_key);
  const Digest k_date = crypto.hmac(secret, date);
  const Digest k_region = crypto.hmac(as_view(k_date), creds.region);
  const Digest k_service = crypto.hmac(as_view(k_region), creds.service);
  const Digest k_signing = crypto.hmac(as_view(k_service), "aws4_request");
  const Digest sig = crypto.hmac(as_view(k_signing), s.string_to_sign);
  s.signature = hex(sig.data(), sig.size());
  std::fill(secret.begin(), secret.end(), '\0');

  s.authorization = "AWS4-HMAC-SHA256 Credential=";
  s.authorization.append(creds.access_key_id).append("/").append(scope);
  s.authorization.append(", SignedHeaders=").append(s.signed_headers);
  s.authorization.append(", Signature=").append(s.signature);
  return s;
}

}  // namespace llmgw::provider_bedrock::sigv4
