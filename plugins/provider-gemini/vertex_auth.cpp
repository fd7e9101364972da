#include "vertex_auth.hpp"

#include <plugin_util/bounded_json.hpp>
#include <plugin_util/config.hpp>
#include <plugin_util/config_json.hpp>

#include <llmgw/json_depth.hpp>
#include <llmgw/plugin.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>

namespace llmgw::provider_gemini {
namespace {

using plugin_util::ConfigError;

constexpr std::string_view kDefaultTokenUri = "https://oauth2.googleapis.com/token";
constexpr std::string_view kGrant = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=";
constexpr int64_t kLifetimeS = 3600;
constexpr int64_t kRetryMs = 10'000;

llmgw_str s(std::string_view v) { return llmgw_str{v.data(), v.size()}; }

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

struct VertexAuth::Key {
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

ServiceAccount parse_service_account(std::string_view json) {
  rapidjson::Document doc;
  const llmgw::JsonResult parsed = llmgw::parse_bounded(doc, json);
  if (!parsed || !doc.IsObject()) throw ConfigError("vertex_credentials is not a service-account JSON object");
  ServiceAccount a;
  if (const std::string type = plugin_util::string_member(doc, "type"); !type.empty() && type != "service_account")
    throw ConfigError("vertex_credentials: type '" + type + "' is not supported (a service_account key is)");
  a.client_email = plugin_util::string_member(doc, "client_email");
  a.private_key_pem = plugin_util::string_member(doc, "private_key");
  a.private_key_id = plugin_util::string_member(doc, "private_key_id");
  a.token_uri = plugin_util::string_member(doc, "token_uri");
  a.project_id = plugin_util::string_member(doc, "project_id");
  if (a.client_email.empty()) throw ConfigError("vertex_credentials: client_email is missing");
  if (a.private_key_pem.empty()) throw ConfigError("vertex_credentials: private_key is missing");
  if (a.token_uri.empty()) a.token_uri = std::string(kDefaultTokenUri);
  if (a.token_uri.rfind("https://", 0) != 0 && a.token_uri.rfind("http://", 0) != 0)
    throw ConfigError("vertex_credentials: token_uri must be an http(s) URL");
  return a;
}

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kAlphabet[(n >> k) & 63]);
  }
  if (i + 1 == bytes.size()) {
    const uint32_t n = uint8_t(bytes[i]) << 16;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
  } else if (i + 2 == bytes.size()) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
  }
  return out;
}

VertexAuth::VertexAuth(ServiceAccount account, std::string scope)
    : account_(std::move(account)), scope_(std::move(scope)), key_(std::make_unique<Key>()) {
  BIO* bio = BIO_new_mem_buf(account_.private_key_pem.data(), static_cast<int>(account_.private_key_pem.size()));
  if (bio) {
    key_->pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
  }
  if (!key_->pkey || EVP_PKEY_base_id(key_->pkey) != EVP_PKEY_RSA)
    throw ConfigError("vertex_credentials: private_key is not an RSA private key in PEM form");
}

VertexAuth::~VertexAuth() = default;

std::string VertexAuth::assertion(int64_t now_unix_s) const {
  auto object = [](auto&& fill) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    fill(w);
    w.EndObject();
    return std::string(buf.GetString(), buf.GetSize());
  };
  auto key = [](auto& w, std::string_view k, std::string_view v) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  const std::string header = object([&](auto& w) {
    key(w, "alg", "RS256");
    key(w, "typ", "JWT");
    if (!account_.private_key_id.empty()) key(w, "kid", account_.private_key_id);
  });
  const std::string claims = object([&](auto& w) {
    key(w, "iss", account_.client_email);
    key(w, "sub", account_.client_email);
    key(w, "scope", scope_);
    key(w, "aud", account_.token_uri);
    w.Key("iat");
    w.Int64(now_unix_s);
    w.Key("exp");
    w.Int64(now_unix_s + kLifetimeS);
  });
  std::string signing_input = base64url(header) + "." + base64url(claims);
  std::string signature;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  std::size_t len = 0;
  bool ok = md && EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_->pkey) == 1 &&
            EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  if (ok) {
    signature.resize(len);
    ok = EVP_DigestSign(md, reinterpret_cast<unsigned char*>(signature.data()), &len,
                        reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
    signature.resize(len);
  }
  EVP_MD_CTX_free(md);
  if (!ok) throw std::runtime_error("vertex_ai: signing the JWT assertion failed");
  return signing_input + "." + base64url(signature);
}

void VertexAuth::write_token_request(int64_t now_unix_s, const llmgw_request_out& out) const {
  out.set_method(out.ctx, s("POST"));
  out.set_url(out.ctx, s(account_.token_uri));
  out.add_header(out.ctx, s("content-type"), s("application/x-www-form-urlencoded"));
  out.add_header(out.ctx, s("accept"), s("application/json"));
  const std::string jwt = assertion(now_unix_s);  // base64url and dots: nothing to escape in a form
  out.append_body(out.ctx, s(kGrant));
  out.append_body(out.ctx, s(jwt));
}

int64_t VertexAuth::accept_token_answer(const llmgw_upstream_response& r, std::string& error) {
  const std::string_view body = view(r.body);
  rapidjson::Document doc;
  const bool parsed = static_cast<bool>(llmgw::parse_bounded(doc, body)) && doc.IsObject();
  if (r.status != 200 || !parsed) {
    std::string why = r.status == 0 ? "no answer from the token endpoint" : "HTTP " + std::to_string(r.status);
    if (parsed && doc.HasMember("error") && doc["error"].IsString()) why += std::string(": ") + doc["error"].GetString();
    if (parsed && doc.HasMember("error_description") && doc["error_description"].IsString())
      why += std::string(" (") + doc["error_description"].GetString() + ")";
    error = "vertex_ai token exchange at " + account_.token_uri + " failed: " + why;
    return kRetryMs;
  }
  const auto token = doc.FindMember("access_token");
  const auto expires = doc.FindMember("expires_in");
  if (token == doc.MemberEnd() || !token->value.IsString() || token->value.GetStringLength() == 0 ||
      expires == doc.MemberEnd() || !expires->value.IsInt64() || expires->value.GetInt64() <= 0) {
    error = "vertex_ai token exchange at " + account_.token_uri + ": the answer has no access_token / expires_in";
    return kRetryMs;
  }
  const std::string_view value(token->value.GetString(), token->value.GetStringLength());
  if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; })) {
    error = "vertex_ai token exchange: the access token holds a line break";
    return kRetryMs;
  }
  const int64_t lifetime_ms = expires->value.GetInt64() * 1000;
  {
    std::lock_guard lock(mutex_);
    token_ = "Bearer ";
    token_.append(value);
    expires_at_ms_ = now_ms() + lifetime_ms;
  }
  // Renew five minutes before expiry; a short-lived token at half its lifetime.
  return lifetime_ms > 600'000 ? lifetime_ms - 300'000 : std::max<int64_t>(lifetime_ms / 2, 500);
}

bool VertexAuth::add_authorization(const llmgw_request_out& out) const {
  const int64_t now = now_ms();
  std::lock_guard lock(mutex_);
  if (token_.empty() || now >= expires_at_ms_) return false;
  out.add_header(out.ctx, s("authorization"), s(token_));
  return true;
}

}  // namespace llmgw::provider_gemini
