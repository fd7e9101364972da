// The request event's JSON (sdk/EVENTS.md "request", schema_version 3), written from the facts.
#pragma once

#include <string>

#include "telemetry/request_facts.hpp"

namespace llmgw::telemetry {

constexpr uint32_t kRequestEventSchema = 3;

/// Appends the event object for `facts` to `out` (one line, no newline). `with_body` adds
/// "request_body". A missing request id becomes a new "req_…" one.
void write_request_event(const RequestFacts& facts, bool with_body, std::string& out);

}  // namespace llmgw::telemetry
