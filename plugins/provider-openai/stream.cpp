#include "stream.hpp"

#include "errors.hpp"

#include <llmgw/plugin.hpp>

namespace llmgw::provider_openai {

namespace {

using Step = openai_compat::ChatStreamWatch::Step;

llmgw_status report(Stream& s, Step step, const llmgw_event_out& out) {
  llmgw_usage usage;
  if (s.watch.take_usage(usage)) out.set_usage(out.ctx, &usage);
  switch (step) {
    case Step::kMore: return LLMGW_NEED_MORE;
    case Step::kDone: return LLMGW_DONE;
    case Step::kError: break;
  }
  Error e = s.watch.error();
  scrub(s.cfg, e);
  return report_error(out, e);
}

}  // namespace

llmgw_status Stream::feed(std::string_view bytes, const llmgw_event_out& out) {
  if (watch.state() != Step::kMore) return report(*this, watch.state(), out);
  const Step step = watch.feed(bytes);
  // Relayed after the look, not before: an event the watch refused (nested too deep) does not
  // reach the client, which gets the error instead (a whole 502 when it was the first event).
  if (!bytes.empty() && !watch.refused()) out.emit_raw(out.ctx, str(bytes));
  return report(*this, step, out);
}

llmgw_status Stream::close(const llmgw_event_out& out) { return report(*this, watch.close(), out); }

}  // namespace llmgw::provider_openai
