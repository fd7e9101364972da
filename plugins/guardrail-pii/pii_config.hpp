// guardrail-pii's settings (its plugins.load `config:`):
//   detectors:    {email: redact, payment_card: mask, us_ssn: block, ipv4: off, ...}
//                 actions: redact ([EMAIL_1] typed placeholders), mask (****1234), block,
//                 log-only, off; a detector not named takes default_action
//   default_action: redact
//   custom:       [{name: employee_id, pattern: "EMP-\\d{6}", action: redact,
//                   placeholder: EMPLOYEE_ID, caseless: false}]
//   allow_list:   ["support@example.com", ...]   values never reported (ASCII case-insensitive)
//   reversible:   false; true: the placeholders a request sent upstream are restored to the
//                 client's values in the answer to that call (whole and streamed)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "detectors.hpp"

namespace llmgw::pii {

struct PiiConfig {
  std::vector<Detector> detectors;   // built-in (with their actions) then custom
  std::vector<std::string> allow;
  bool reversible = false;
};

/// Reads the config JSON. Throws std::runtime_error with one line naming the key.
PiiConfig parse_config(std::string_view json);

}  // namespace llmgw::pii
