#include "policy/master_key_auth.hpp"

#include <string_view>

namespace llmgw::policy {
namespace {

/// Compares without an early exit, so timing does not reveal how much of the key matched.
bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

canonical::ApiError unauthorized(std::string message) {
  return canonical::ApiError{401, "invalid_request_error", "invalid_api_key", "", std::move(message)};
}

}  // namespace

std::optional<canonical::ApiError> MasterKeyAuth::check(const Poco::Net::HTTPServerRequest& request) const {
  if (key_.empty()) return std::nullopt;
  std::string_view presented;
  static const std::string none;
  const std::string& auth = request.has("Authorization") ? request.get("Authorization") : none;
  if (!auth.empty()) {
    std::string_view v(auth);
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) presented = v.substr(7);
    else return unauthorized("Authorization header must be 'Bearer <key>'.");
  } else {
    presented = request.has("x-api-key") ? std::string_view(request.get("x-api-key")) : std::string_view();
  }
  if (presented.empty())
    return unauthorized("You didn't provide an API key. Provide it in the Authorization header as 'Bearer <key>'.");
  if (!constant_time_equal(presented, key_)) return unauthorized("Incorrect API key provided.");
  return std::nullopt;
}

}  // namespace llmgw::policy
