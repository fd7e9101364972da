#include "guard/guard_chain.hpp"

#include <algorithm>

#include "guard/segment_extractor.hpp"
#include "guard/text_edits.hpp"

namespace llmgw::guard {
namespace {

/// A detector name as the client may see it: [A-Za-z0-9._-], at most 64 bytes.
std::string clean_name(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out.empty() ? "unnamed" : out;
}

/// What one check() wrote.
struct CheckState {
  std::size_t count = 0;
  std::vector<std::vector<Replacement>> edits;  // per segment
  bool blocked = false;
  bool bad = false;
  std::string detector, reason;
};

llmgw_guard_out out_table(CheckState& state) {
  llmgw_guard_out o{};
  o.struct_size = sizeof o;
  o.ctx = &state;
  o.replace = [](void* c, size_t segment, size_t offset, size_t len, llmgw_str text) {
    auto& s = *static_cast<CheckState*>(c);
    if (segment >= s.count) {
      s.bad = true;
      return;
    }
    s.edits[segment].push_back(Replacement{offset, len, std::string(text.ptr ? text.ptr : "", text.len)});
  };
  o.block = [](void* c, size_t, llmgw_str detector, llmgw_str reason) {
    auto& s = *static_cast<CheckState*>(c);
    if (s.blocked) return;  // the first block is the one reported
    s.blocked = true;
    s.detector.assign(detector.ptr ? detector.ptr : "", detector.len);
    s.reason.assign(reason.ptr ? reason.ptr : "", std::min<std::size_t>(reason.len, 200));
  };
  return o;
}

}  // namespace

canonical::ApiError blocked_error(std::string_view guardrail, std::string_view detector, std::string_view reason) {
  std::string message = "blocked by guardrail " + std::string(guardrail) + ": detector " + clean_name(detector);
  if (!reason.empty()) message += " (" + std::string(reason) + ")";
  return canonical::ApiError{400, "invalid_request_error", "guardrail_blocked", "", std::move(message)};
}

canonical::ApiError failed_error(std::string_view guardrail) {
  return canonical::ApiError{500, "api_error", "guardrail_failed", "",
                             "guardrail " + std::string(guardrail) + " failed; the call was not made"};
}

bool GuardChain::guards(const config::RequestScope& request, bool input) const {
  for (const GuardStep& s : steps_)
    if ((input ? s.input : s.output) && s.guards(request)) return true;
  return false;
}

std::vector<const GuardStep*> GuardChain::stream_steps(const config::RequestScope& request) const {
  std::vector<const GuardStep*> out;
  for (const GuardStep& s : steps_)
    if (s.output && s.guards(request) && s.instance->has_stream()) out.push_back(&s);
  return out;
}

std::optional<canonical::ApiError> GuardChain::check_body(llmgw_guard_phase phase, llmgw_dialect dialect,
                                                          const config::RequestScope& scope, std::string_view body,
                                                          unsigned max_depth, std::string& rewritten,
                                                          bool& changed, GuardCalls* calls,
                                                          llmgw_dialect client_dialect) const {
  changed = false;
  const bool input = phase == LLMGW_PHASE_INPUT;
  if (!guards(scope, input)) return std::nullopt;
  const std::string_view alias = scope.alias;
  Extraction found = extract_segments(dialect, input ? BodyKind::request : BodyKind::answer, body, max_depth);
  if (!found.ok || found.segments.empty()) return std::nullopt;  // the dialect's scan judged the bytes
  std::vector<Segment>& segments = found.segments;
  std::vector<bool> touched(segments.size(), false);
  std::vector<llmgw_segment> table(segments.size());
  for (const GuardStep& step : steps_) {
    if (!(input ? step.input : step.output) || !step.guards(scope)) continue;
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const Segment& s = segments[i];
      llmgw_segment& c = table[i];
      c = llmgw_segment{};
      c.struct_size = sizeof c;
      c.source = s.source;
      c.message_index = s.message_index;
      c.part_index = s.part_index;
      c.role = {s.role.data(), s.role.size()};
      c.name = {s.name.data(), s.name.size()};
      c.text = {s.text.data(), s.text.size()};
    }
    llmgw_guard_request request{};
    request.struct_size = sizeof request;
    request.phase = phase;
    request.client_dialect = client_dialect == LLMGW_DIALECT_NONE ? dialect : client_dialect;
    request.model = {alias.data(), alias.size()};
    request.segments = table.data();
    request.count = table.size();
    request.segment_size = sizeof(llmgw_segment);
    request.call = calls ? calls->call_of(step) : nullptr;
    CheckState state;
    state.count = segments.size();
    state.edits.resize(segments.size());
    const llmgw_guard_out out = out_table(state);
    const int64_t started = steady_now_us();
    const llmgw_verdict verdict = step.instance->vtable().check(step.instance->instance(), &request, &out);
    if (calls) {
      const GuardDecision decision = state.blocked                                     ? GuardDecision::deny
                                     : verdict == LLMGW_ALLOW                          ? GuardDecision::allow
                                     : verdict == LLMGW_REDACT && !state.bad           ? GuardDecision::modify
                                                                                       : GuardDecision::failed;
      calls->record(step, input ? GuardTarget::input : GuardTarget::output, decision, started,
                    steady_now_us() - started);
    }
    if (verdict == LLMGW_BLOCK || state.blocked) {
      if (!state.blocked) return failed_error(step.name);
      return blocked_error(step.name, state.detector, state.reason);
    }
    if (verdict == LLMGW_ALLOW) continue;
    if (verdict != LLMGW_REDACT || state.bad) return failed_error(step.name);
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (state.edits[i].empty()) continue;
      if (!apply_replacements(segments[i].text, std::move(state.edits[i]))) return failed_error(step.name);
      touched[i] = true;
    }
  }
  if (std::find(touched.begin(), touched.end(), true) == touched.end()) return std::nullopt;
  rewritten = splice_segments(body, segments, touched);
  changed = true;
  return std::nullopt;
}

}  // namespace llmgw::guard
