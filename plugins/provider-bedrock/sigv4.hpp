// AWS Signature Version 4 (header form) over the host's SHA-256 and HMAC-SHA-256
// (llmgw_host.sha256 / hmac_sha256): the plugin holds no crypto of its own.
//
//   canonical request  METHOD \n CanonicalURI \n CanonicalQuery \n
//                      lower-case "name:value\n" per signed header, sorted \n
//                      signed header names joined by ';' \n hex(sha256(payload))
//   string to sign     AWS4-HMAC-SHA256 \n <x-amz-date> \n <yyyymmdd>/<region>/<service>/aws4_request \n
//                      hex(sha256(canonical request))
//   signing key        HMAC chain "AWS4"+secret → date → region → service → "aws4_request"
//   Authorization      AWS4-HMAC-SHA256 Credential=<key id>/<scope>, SignedHeaders=…, Signature=…
//
// uri_encode is AWS's encoding (unreserved A-Z a-z 0-9 - _ . ~ kept, every other byte %XX upper
// case); a service other than S3 signs each path segment encoded once more than it is sent
// (canonical_uri), so a model id's ':' travels as %3A and is signed as %253A.
#pragma once

#include <llmgw/plugin.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace llmgw::provider_bedrock::sigv4 {

using Digest = std::array<uint8_t, 32>;

/// The host's hash functions.
class HostCrypto {
 public:
  explicit HostCrypto(const llmgw_host* host) noexcept : h_(host) {}
  Digest sha256(std::string_view data) const;
  Digest hmac(std::string_view key, std::string_view data) const;
  /// hex(sha256(data)), lower case.
  std::string sha256_hex(std::string_view data) const;

 private:
  const llmgw_host* h_;
};

std::string hex(const uint8_t* bytes, std::size_t n);

/// AWS URI encoding of `s`; '/' kept when `keep_slash`.
std::string uri_encode(std::string_view s, bool keep_slash);

/// The canonical URI of an already encoded request path (non-S3: each segment encoded again);
/// "/" when empty.
std::string canonical_uri(std::string_view encoded_path);

/// The canonical query of an already encoded query string (no '?'): pairs sorted by name, then
/// value; a pair without '=' gets an empty value.
std::string canonical_query(std::string_view encoded_query);

/// x-amz-date for a Unix time in milliseconds: YYYYMMDD'T'HHMMSS'Z' (UTC).
std::string amz_date(int64_t unix_ms);

struct Credentials {
  std::string_view access_key_id;
  std::string_view secret_access_key;
  std::string_view region;
  std::string_view service;
};

struct Request {
  std::string_view method;
  std::string_view canonical_uri;    // canonical_uri(path)
  std::string_view canonical_query;  // canonical_query(query)
  /// The headers to sign, any case and order; values are trimmed and inner space runs
  /// collapsed. Must include host and x-amz-date.
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view payload_hash;     // hex sha256 of the body (x-amz-content-sha256)
  std::string_view amz_date;         // the x-amz-date value
};

struct Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // hex
  std::string authorization;   // the Authorization header value
};

Signed sign(const HostCrypto& crypto, const Credentials& creds, const Request& request);

}  // namespace llmgw::provider_bedrock::sigv4
