#include "admin/global_spend_report.hpp"

#include <algorithm>
#include <tuple>

#include "admin/admin_requests.hpp"
#include "util/json_escape.hpp"

namespace llmgw::admin {
namespace {

const std::string& group_of(const store::DailySpend& c, ReportGroup g) {
  return g == ReportGroup::team ? c.team_id : g == ReportGroup::api_key ? c.key_hash : c.alias;
}

void add(store::SpendTotal& into, const store::SpendTotal& t) {
  into.requests += t.requests;
  into.input_tokens += t.input_tokens;
  into.output_tokens += t.output_tokens;
  into.cached_read_tokens += t.cached_read_tokens;
  into.cache_write_tokens += t.cache_write_tokens;
  into.reasoning_tokens += t.reasoning_tokens;
  into.cost_nano_usd += t.cost_nano_usd;
}

void append_split(std::string& out, const store::SpendTotal& t) {
  out += "\"requests\":" + std::to_string(t.requests);
  out += ",\"total_tokens\":" + std::to_string(t.input_tokens + t.output_tokens);
  out += ",\"prompt_tokens\":" + std::to_string(t.input_tokens);
  out += ",\"completion_tokens\":" + std::to_string(t.output_tokens);
  out += ",\"cached_read_tokens\":" + std::to_string(t.cached_read_tokens);
  out += ",\"cache_write_tokens\":" + std::to_string(t.cache_write_tokens);
  out += ",\"reasoning_tokens\":" + std::to_string(t.reasoning_tokens);
}

/// A name, or null for the empty one (a call without a team).
void append_name(std::string& out, const std::string& name) {
  if (name.empty()) out += "null";
  else util::append_json_string(out, name);
}

}  // namespace

std::optional<ReportGroup> parse_report_group(std::string_view text) {
  if (text == "team" || text == "team_id") return ReportGroup::team;
  if (text == "api_key" || text == "key") return ReportGroup::api_key;
  if (text == "model") return ReportGroup::model;
  return std::nullopt;
}

std::string global_spend_report_json(const std::vector<store::DailySpend>& input, ReportGroup g,
                                     const TeamNames* team_names) {
  std::vector<const store::DailySpend*> cells;
  cells.reserve(input.size());
  for (const auto& c : input) cells.push_back(&c);
  // By day, then the group, then the cell (model, key): each group's cells are contiguous.
  std::stable_sort(cells.begin(), cells.end(), [g](const store::DailySpend* a, const store::DailySpend* b) {
    return std::tie(a->day, group_of(*a, g), a->alias, a->key_hash) <
           std::tie(b->day, group_of(*b, g), b->alias, b->key_hash);
  });
  const char* list = g == ReportGroup::team ? "teams" : g == ReportGroup::api_key ? "api_keys" : "models";
  const char* name = g == ReportGroup::team ? "team_name" : g == ReportGroup::api_key ? "api_key" : "model";
  std::string out = "[";
  for (std::size_t i = 0; i < cells.size();) {
    const std::int64_t day = cells[i]->day;
    if (i) out += ',';
    out += "{\"group_by_day\":";
    util::append_json_string(out, cells[i]->total.group + "T00:00:00+00:00");
    out += ",\"";
    out += list;
    out += "\":[";
    bool first_group = true;
    while (i < cells.size() && cells[i]->day == day) {
      const std::string& group = group_of(*cells[i], g);
      std::size_t end = i;
      store::SpendTotal total;
      while (end < cells.size() && cells[end]->day == day && group_of(*cells[end], g) == group) add(total, cells[end++]->total);
      if (!first_group) out += ',';
      first_group = false;
      out += "{\"";
      out += name;
      out += "\":";
      if (g == ReportGroup::team) {
        // LiteLLM shows the team's alias; the id beside it.
        const std::string* shown = &group;
        if (team_names && !group.empty())
          if (auto it = team_names->find(group); it != team_names->end() && !it->second.empty()) shown = &it->second;
        append_name(out, *shown);
        out += ",\"team_id\":";
      }
      append_name(out, group);
      out += ",\"total_spend\":";
      append_usd(out, total.cost_nano_usd);
      out += ',';
      append_split(out, total);
      out += ",\"metadata\":[";
      for (std::size_t k = i; k < end; ++k) {
        const store::DailySpend& c = *cells[k];
        if (k > i) out += ',';
        out += "{\"model\":";
        append_name(out, c.alias);
        out += ",\"api_key\":";
        append_name(out, c.key_hash);
        out += ",\"team_id\":";
        append_name(out, c.team_id);
        out += ",\"spend\":";
        append_usd(out, c.total.cost_nano_usd);
        out += ',';
        append_split(out, c.total);
        out += '}';
      }
      out += "]}";
      i = end;
    }
    out += "]}";
  }
  out += ']';
  return out;
}

}  // namespace llmgw::admin
