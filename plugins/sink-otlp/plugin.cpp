// sink-otlp: glue only — the entry symbol, the descriptor and the vtable, whose exception-safe
// hooks (llmgw::SinkHooks) call the Exporter.
#include "exporter.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

namespace llmgw::sink_otlp {
namespace {

class Sink {
 public:
  Sink(Host host, std::string_view config_json) : exporter_(host, parse_config(config_json)) {}
  void emit(const llmgw_sink_event& event) { exporter_.emit(event); }
  void flush() { exporter_.flush(); }

 private:
  Exporter exporter_;
};

constexpr llmgw_sink_vtable kVtable = SinkHooks<Sink>::vtable();
constexpr llmgw_plugin kPlugin = sink_descriptor(
    "sink-otlp", "0.1.0", "Request events as OTLP/HTTP JSON traces (OpenTelemetry GenAI conventions)", &kVtable);

}  // namespace
}  // namespace llmgw::sink_otlp

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &llmgw::sink_otlp::kPlugin; }
