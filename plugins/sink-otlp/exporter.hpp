// Batches request spans and exports them with one OTLP/HTTP JSON POST per batch, through the
// host's http_post (ABI 1.1): the core makes the connection, on this sink's own thread, so a
// slow collector delays only this sink (whose queue then drops and counts events).
#pragma once

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include "otlp_config.hpp"
#include "spans.hpp"

namespace llmgw::sink_otlp {

class Exporter {
 public:
  /// Throws std::invalid_argument when the host has no http_post (an ABI 1.0 gateway).
  Exporter(Host host, Config config);

  /// Adds the event's spans; exports when batch_size requests are waiting. Throws when the
  /// event is not a request event, or when an export failed (the batch is dropped).
  void emit(const llmgw_sink_event& event);
  /// Exports what is waiting (the core calls it when its queue runs empty, and at shutdown).
  void flush();

  uint64_t exported_batches() const { return exported_; }

 private:
  void export_batch();

  Host host_;
  Config config_;
  SpanBatch batch_;
  std::vector<llmgw_header> headers_;  // views into config_.headers and the content type
  uint64_t exported_ = 0;
  int64_t failures_logged_at_ns_ = -1;
};

}  // namespace llmgw::sink_otlp
