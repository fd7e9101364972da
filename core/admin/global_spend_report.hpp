// LiteLLM's GET /global/spend/report: one entry per UTC day ("group_by_day"), in it the day's
// groups — teams (group_by=team, the default: "team_name" is the team's alias as in LiteLLM, its
// id when it has none or is deleted, with "team_id" beside it), keys (group_by=api_key)
// or models (group_by=model) — each with its "total_spend" and a "metadata" list of the
// (model, api_key) cells that make it up. Beyond LiteLLM's fields (model, api_key, spend,
// total_tokens), every group and cell carries the token split: prompt (input), completion
// (output), cached read, cache write and reasoning tokens, and its request count.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/spend_queries.hpp"

namespace llmgw::admin {

enum class ReportGroup { team, api_key, model };

/// "team" (also "team_id"), "api_key" (also "key"), "model"; nullopt for anything else.
std::optional<ReportGroup> parse_report_group(std::string_view text);

/// Team id -> alias (the teams' names; a team missing here shows its id).
using TeamNames = std::unordered_map<std::string, std::string>;

/// The JSON answer from `cells` (in spend_by_day's order: by day first). `team_names`: the
/// aliases shown as team_name (null: ids).
std::string global_spend_report_json(const std::vector<store::DailySpend>& cells, ReportGroup group,
                                     const TeamNames* team_names = nullptr);

}  // namespace llmgw::admin
