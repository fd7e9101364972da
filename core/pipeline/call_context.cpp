#include "pipeline/call_context.hpp"

#include "util/shrink.hpp"

namespace llmgw::pipeline {
namespace {

/// Kept contexts per thread, at most: enough for the calls one loop runs at once in steady
/// state; beyond it, returned contexts are freed.
constexpr std::size_t kKeepPerThread = 4096;

std::vector<std::unique_ptr<CallContext>>& free_list() {
  thread_local std::vector<std::unique_ptr<CallContext>> list;
  return list;
}

}  // namespace

void CallContext::shrink_after_peak() {
  util::shrink_after_peak(client_body);
  util::shrink_after_peak(cleaned_body);
  util::shrink_after_peak(rewritten);
  util::shrink_after_peak(request.body);
  util::shrink_after_peak(response_body);
  upstream_headers.shrink_after_peak();
}

void CallContextReturn::operator()(CallContext* c) const {
  std::unique_ptr<CallContext> owned(c);
  auto& list = free_list();
  owned->shrink_after_peak();
  if (list.size() < kKeepPerThread) list.push_back(std::move(owned));
}

CallContextPtr acquire_call_context() {
  auto& list = free_list();
  if (list.empty()) return CallContextPtr(new CallContext);
  CallContext* c = list.back().release();
  list.pop_back();
  c->chain.clear();
  c->tried.clear();
  c->attempt_log.clear();
  c->propagate_trace = false;
  return CallContextPtr(c);
}

}  // namespace llmgw::pipeline
