// The credential exchange (ABI 1.1, llmgw_provider_vtable.credential_request / credential_accept):
// for every deployment whose plugin has the two hooks, the core sends the HTTP request the plugin
// describes (e.g. a signed JWT for an OAuth access token) and hands the answer back, so that
// plugins own no sockets. Off the request path: one background thread, one request at a time;
// start-up waits for each instance's first exchange (bounded), then each is renewed when the
// plugin asks. The answer is whatever the plugin caches; encode_request reads it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <llmgw/plugin.h>

#include "loader/registry.hpp"

namespace llmgw::pipeline {

/// One HTTP answer of a credential request: status 0 when none could be had.
struct CredentialAnswer {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string failure;  // why status is 0 (for the log)
};

/// Sends one request (http or https, certificates verified) within `timeout`. Never throws.
CredentialAnswer send_credential_request(const std::string& method, const std::string& url,
                                         const std::vector<std::pair<std::string, std::string>>& headers,
                                         const std::string& body, std::chrono::milliseconds timeout);

/// Whether `vt` has both credential hooks within its struct_size.
bool has_credential_hooks(const llmgw_provider_vtable& vt);

class CredentialExchange {
 public:
  /// Runs each instance's first exchange now (at most `first_timeout` each), then starts the
  /// renewal thread when any instance wants renewing. Instances without the hooks are ignored.
  /// The instances must outlive this object.
  explicit CredentialExchange(const std::vector<loader::ProviderInstance*>& instances,
                              std::chrono::milliseconds first_timeout = std::chrono::milliseconds(10'000));
  ~CredentialExchange();  // stops and joins the thread (an exchange in flight ends within its timeout)
  CredentialExchange(const CredentialExchange&) = delete;
  CredentialExchange& operator=(const CredentialExchange&) = delete;

  /// How many instances take part (for tests and the start-up log).
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    loader::ProviderInstance* instance;
    std::chrono::steady_clock::time_point due;
    bool done = false;  // the plugin answered LLMGW_NOT_FOUND: no more exchanges
  };
  /// One exchange for `e`; sets its next due time.
  void exchange(Entry& e, std::chrono::milliseconds timeout);
  void run();

  std::vector<Entry> entries_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace llmgw::pipeline
