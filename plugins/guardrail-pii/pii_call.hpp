// What guardrail-pii keeps for one call: the placeholder numbering shared by the request and its
// answer, and (reversible redaction) what each placeholder sent upstream stood for. Made when
// the call starts, gone when it ends; the host hands it to every check and stream of that call.
#pragma once

#include "placeholders.hpp"
#include "redactor.hpp"

namespace llmgw::pii {

struct PiiCall {
  Redactor redactor;    // [EMAIL_1] numbering, across the input and the answer
  PlaceholderMap sent;  // the input's placeholders → the client's values
};

}  // namespace llmgw::pii
