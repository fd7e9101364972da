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
  const llmgw_error c = e.c();
  out.set_error(out.ctx, &c);
  return LLMGW_ERROR;
}

}  // namespace

llmgw_status feed(Stream& s, llmgw_str bytes, const llmgw_event_out& out) {
  if (s.watch.state() != Step::kMore) return report(s, s.watch.state(), out);
  if (bytes.len) out.emit_raw(out.ctx, bytes);
  return report(s, s.watch.feed(view(bytes)), out);
}

llmgw_status close(Stream& s, const llmgw_event_out& out) { return report(s, s.watch.close(), out); }

}  // namespace llmgw::provider_openai
