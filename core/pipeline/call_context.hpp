// Everything one call owns while it runs, in one object: the buffers and lists that used to be
// thread-locals. On an event loop many calls interleave on one thread, each suspended at its own
// I/O, so nothing a call keeps across a wait may be shared per thread. Contexts are reused: a loop
// keeps the ones its finished calls gave back (acquire_call_context), so their buffers keep
// their capacity and a steady stream of calls allocates almost nothing here.
#pragma once

#include <llmgw/plugin.h>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "observe/trace_context.hpp"
#include "pipeline/provider_io.hpp"
#include "pipeline/reply.hpp"
#include "upstream/response_framing.hpp"

namespace llmgw::pipeline {

struct Deployment;
using Pool = std::vector<Deployment*>;

/// One alias of a call's chain: the one asked for, then its fallbacks.
struct Link {
  std::string_view alias;
  const Pool* pool;
};

/// The client's side of a call, as the pipeline sees it (the front-end adapts its connection):
/// whether the client is still there, a way to hear that it left, and waits it cuts short.
class ClientWatch {
 public:
  virtual ~ClientWatch() = default;
  /// Calls `on_gone` once if the client leaves while it is set (until unwatch()).
  virtual void watch(std::function<void()> on_gone) = 0;
  virtual void unwatch() = 0;
  virtual bool gone() const = 0;
  /// Waits `ms`; false (early) when the client left.
  virtual boost::asio::awaitable<bool> sleep_unless_gone(int64_t ms) = 0;
};

/// One upstream attempt as telemetry reports it (sdk/EVENTS.md "attempt_list").
struct AttemptTrace {
  const Deployment* deployment = nullptr;
  std::string_view alias;          // the chain link's alias (lives as long as the call's chain)
  int64_t start_us = 0;            // steady clock
  int64_t duration_us = 0;
  int64_t ttft_us = -1;
  uint64_t span = 0;               // the attempt's span id (the traceparent sent upstream)
  int status = 0;
  int32_t error_class = 0;         // llmgw_error_class of the held error; 0: none / the gateway's
  char error_type[40] = {};        // the held error's type, NUL-terminated (cut to 39 bytes)
  bool retry = false;              // a deployment this call had tried already
  bool fallback = false;           // an alias after the one asked for
  bool cooled = false;             // its failure started a cooldown
};

struct CallContext {
  // The front-end's: the client's body, that body without its routing fields, header views.
  std::string client_body;
  std::string cleaned_body;
  std::vector<llmgw_header> client_headers;
  // The pipeline's.
  std::vector<Link> chain;
  std::vector<const Deployment*> tried;
  std::string rewritten;        // the body sent upstream when not the client's own bytes
  RequestCollector request;     // what the provider's encode_request described
  std::string response_body;    // a whole upstream answer
  std::vector<llmgw_header> response_headers;  // views of the upstream answer's header lines
  upstream::HeaderLines upstream_headers;      // the upstream answer's header lines
  HeaderList held_headers;      // RetryGate's held response headers (slots reused)
  // Telemetry (telemetry/, sdk/EVENTS.md): the request's trace, and one entry per attempt.
  observe::TraceContext trace;
  bool propagate_trace = false;  // send `traceparent` upstream (the client sent one, or sinks run)
  std::vector<AttemptTrace> attempt_log;
  /// Releases buffers that grew past the usual for one large call.
  void shrink_after_peak();
};

/// A context for one call, from this thread's free list (made when the list is empty); it goes
/// back to the list when the pointer is destroyed, which must happen on the same thread.
struct CallContextReturn {
  void operator()(CallContext* c) const;
};
using CallContextPtr = std::unique_ptr<CallContext, CallContextReturn>;
CallContextPtr acquire_call_context();

}  // namespace llmgw::pipeline
