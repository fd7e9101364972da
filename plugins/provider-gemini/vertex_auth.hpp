// Vertex AI service-account credentials: the RS256-signed JWT assertion (RFC 7523) exchanged at
// the service account's token_uri for an OAuth access token, and the cached token encode_request
// sends as "Authorization: Bearer …". The exchange itself is made by the core on the plugin's
// behalf (ABI 1.1 credential_request / credential_accept): this class only writes the request and
// reads the answer. Thread-safe: the core's credential thread writes the token while request
// threads read it.
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace llmgw::provider_gemini {

/// The fields of a Google service-account key file that the exchange needs.
struct ServiceAccount {
  std::string client_email;
  std::string private_key_pem;
  std::string private_key_id;
  std::string token_uri;   // https://oauth2.googleapis.com/token unless the file names another
  std::string project_id;
};

/// Parses a service-account key (JSON text). Throws plugin_util::ConfigError naming what is missing.
ServiceAccount parse_service_account(std::string_view json);

/// base64url without padding (JWT segments).
std::string base64url(std::string_view bytes);

class VertexAuth {
 public:
  /// Throws plugin_util::ConfigError when the private key cannot be read.
  explicit VertexAuth(ServiceAccount account, std::string scope = "https://www.googleapis.com/auth/cloud-platform");
  ~VertexAuth();
  VertexAuth(const VertexAuth&) = delete;
  VertexAuth& operator=(const VertexAuth&) = delete;

  /// The signed JWT assertion issued at `now_unix_s` (valid one hour).
  std::string assertion(int64_t now_unix_s) const;
  /// credential_request: POST token_uri, form-encoded grant_type=jwt-bearer&assertion=….
  void write_token_request(int64_t now_unix_s, const llmgw_request_out& out) const;
  /// credential_accept: keeps access_token / expires_in of a 200 answer. Returns the delay before
  /// the next exchange in ms (five minutes before expiry, or half the lifetime of a short one;
  /// 10 s after a failure); `error` gets a line when the answer is not a token.
  int64_t accept_token_answer(const llmgw_upstream_response& r, std::string& error);
  /// Writes "Authorization: Bearer <token>" when a token is held and not expired; false otherwise
  /// (the request then goes without, and Vertex answers 401).
  bool add_authorization(const llmgw_request_out& out) const;

  const ServiceAccount& account() const { return account_; }

 private:
  ServiceAccount account_;
  std::string scope_;
  struct Key;
  std::unique_ptr<Key> key_;
  mutable std::mutex mutex_;
  std::string token_;        // "Bearer …", guarded by mutex_
  int64_t expires_at_ms_ = 0;  // steady clock (now_ms())
};

}  // namespace llmgw::provider_gemini
