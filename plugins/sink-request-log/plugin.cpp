// sink-request-log: glue only — the entry symbol, the descriptor and the vtable, whose
// exception-safe hooks (llmgw::SinkHooks) call RequestLog.
#include "request_log.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

namespace llmgw::sink_request_log {
namespace {

class Sink {
 public:
  Sink(Host, std::string_view config_json) : log_(parse_config(config_json)) {}
  void emit(const llmgw_sink_event& event) { log_.emit(event); }
  void flush() { log_.flush(); }

 private:
  RequestLog log_;
};

constexpr llmgw_sink_vtable kVtable = SinkHooks<Sink>::vtable();
constexpr llmgw_plugin kPlugin =
    sink_descriptor("sink-request-log", "0.1.0", "One JSON line per request to a file", &kVtable);

}  // namespace
}  // namespace llmgw::sink_request_log

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &llmgw::sink_request_log::kPlugin; }
