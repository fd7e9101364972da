#include "guard/guard_reply.hpp"

#include "guard/text_edits.hpp"
#include "util/json_escape.hpp"

namespace llmgw::guard {
namespace {

constexpr std::string_view kAssistant = "assistant";

/// Where the first complete SSE event of `data` (from `from`) ends, just past its blank line;
/// npos when none is complete.
std::size_t event_end(std::string_view data, std::size_t from) {
  for (std::size_t i = from; i + 1 < data.size(); ++i) {
    if (data[i] == '\n' && data[i + 1] == '\n') return i + 2;
    if (data[i] == '\r' && data[i + 1] == '\n' && i + 3 < data.size() + 0 && data.substr(i, 4) == "\r\n\r\n") return i + 4;
    if (data[i] == '\r' && data[i + 1] == '\r') return i + 2;
  }
  return std::string_view::npos;
}

/// Calls fn(begin, text) for each line of `event`, in order: its offset and its text without the
/// line ending (CRLF, LF or CR).
template <class Fn>
void for_each_line(std::string_view event, Fn&& fn) {
  std::size_t line = 0;
  while (line < event.size()) {
    std::size_t eol = event.find_first_of("\r\n", line);
    if (eol == std::string_view::npos) eol = event.size();
    fn(line, event.substr(line, eol - line));
    line = eol + 1;
    if (eol + 1 < event.size() && event[eol] == '\r' && event[eol + 1] == '\n') ++line;
  }
}

/// The data of an SSE event: the value's offset and length in `event` when it has one
/// "data:" line. An event whose data is split over several "data:" lines (an SSE client joins
/// their values with "\n", so a JSON value may be written across them) is rewritten into
/// `single`: the same lines in order, the first data line holding the values joined by a space
/// (JSON's strings hold no line break, so a JSON value is split between tokens, where a space is
/// the same whitespace) and the others dropped, and `event` then views it. The guard judges and
/// rewrites that event, so no answer text passes a guardrail unseen because of how it was
/// framed; an event it leaves unchanged goes out as it came. False when the event has no data
/// line (left as it is).
bool data_line(std::string_view& event, std::size_t& at, std::size_t& len, std::string& single) {
  std::size_t lines = 0;
  std::string joined;
  for_each_line(event, [&](std::size_t begin, std::string_view text) {
    if (!text.starts_with("data:")) return;
    std::size_t v = 5;
    if (v < text.size() && text[v] == ' ') ++v;
    if (++lines == 1) {
      at = begin + v;
      len = text.size() - v;
    } else {
      if (lines == 2) joined.assign(event.substr(at, len));
      joined += ' ';  // not "\n": the value must fit one line; between JSON tokens it is the same
      joined.append(text.substr(v));
    }
  });
  if (lines < 2) return lines == 1;
  // Blank lines inside the cut event (a leading one: it ended an earlier, empty event) carry
  // nothing, and the one line break added at the end closes the event.
  single.clear();
  bool first = true;
  for_each_line(event, [&](std::size_t, std::string_view text) {
    if (text.empty()) return;
    if (!text.starts_with("data:")) {
      single.append(text);
      single += '\n';
    } else if (first) {
      first = false;
      single += "data: ";
      at = single.size();
      len = joined.size();
      single += joined;
      single += '\n';
    }
  });
  single += '\n';
  event = single;
  return true;
}

}  // namespace

GuardReply::GuardReply(std::unique_ptr<pipeline::Reply> client, const GuardChain& chain, llmgw_dialect client_dialect,
                       const config::RequestScope& request, unsigned max_depth, GuardCalls* calls)
    : client_(std::move(client)), chain_(chain), calls_(calls), client_dialect_(client_dialect),
      upstream_(client_dialect), alias_(request.alias), key_alias_(request.key_alias), team_(request.team),
      max_depth_(max_depth) {}

GuardReply::~GuardReply() = default;

void GuardReply::json(int status, std::string_view body) {
  if (status < 200 || status > 299) return client_->json(status, body);
  std::string rewritten;
  bool changed = false;
  // The body is in the upstream's dialect (canonical on a translated route: the client's Reply
  // translates it after this one), so that is the dialect its text is found in.
  if (auto err = chain_.check_body(LLMGW_PHASE_OUTPUT, upstream_, scope(), body, max_depth_, rewritten, changed, calls_,
                                   client_dialect_))
    return client_->error(*err);
  client_->json(status, changed ? std::string_view(rewritten) : body);
}

bool GuardReply::ensure_stream() {
  if (stream_ || no_stream_guards_) return !no_stream_guards_;
  std::vector<const GuardStep*> steps = chain_.stream_steps(scope());
  if (steps.empty()) {
    no_stream_guards_ = true;
    return false;
  }
  stream_ = std::make_unique<StreamGuard>(std::move(steps), client_dialect_, alias_, calls_);
  if (!stream_->ok()) fail_stream();
  return true;
}

void GuardReply::fail_stream() {
  stopped_ = true;
  const canonical::ApiError err = stream_->error();
  if (client_->committed()) client_->stream_error(err);
  else client_->error(err);
}

std::size_t GuardReply::channel_for(const Segment& s, llmgw_dialect dialect, bool raw) {
  for (std::size_t i = 0; i < channels_.size(); ++i) {
    const Channel& c = channels_[i];
    if (c.open && c.source == s.source && c.message_index == s.message_index && c.part_index == s.part_index) return i;
  }
  Channel c;
  c.source = s.source;
  c.message_index = s.message_index;
  c.part_index = s.part_index;
  c.dialect = dialect;
  c.raw = raw;
  channels_.push_back(std::move(c));
  return channels_.size() - 1;
}

llmgw_segment GuardReply::segment_of(const Channel& c) {
  llmgw_segment meta{};
  meta.struct_size = sizeof meta;
  meta.source = c.source;
  meta.message_index = c.message_index;
  meta.part_index = c.part_index;
  meta.role = {kAssistant.data(), kAssistant.size()};
  return meta;
}

void GuardReply::close_channel(std::size_t channel, std::vector<std::string>& out) {
  Channel& c = channels_[channel];
  if (!c.open) return;
  c.open = false;
  released_.clear();
  stream_->close(channel, segment_of(c), released_);
  if (!stream_->ok() || released_.empty() || c.before.empty()) return;
  std::string copy = c.before;
  util::append_json_string(copy, released_);
  copy += c.after;
  out.push_back(std::move(copy));
}

void GuardReply::close_all(std::vector<std::string>& out) {
  for (std::size_t i = 0; i < channels_.size(); ++i) close_channel(i, out);
}

void GuardReply::guard_event(std::string_view event, std::size_t data_at, std::size_t data_len, llmgw_dialect dialect,
                             bool raw, std::vector<std::string>& out) {
  const std::string_view data = event.substr(data_at, data_len);
  if (dialect == LLMGW_DIALECT_OPENAI_CHAT && data == "[DONE]") {
    close_all(out);
    out.emplace_back(event);
    return;
  }
  Extraction found = extract_segments(dialect, BodyKind::stream_event, data, max_depth_);
  if (!found.ok) {
    out.emplace_back(event);
    return;
  }
  // An Anthropic content block that stops, or the message that ends: its channels close first.
  if (dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES) {
    if (found.event_type == "content_block_stop") {
      for (std::size_t i = 0; i < channels_.size(); ++i)
        if (channels_[i].part_index == found.event_index) close_channel(i, out);
    } else if (found.event_type == "message_delta" || found.event_type == "message_stop") {
      close_all(out);
    }
  }
  std::vector<Segment>& segments = found.segments;
  std::vector<bool> changed(segments.size(), false);
  std::vector<std::size_t> used(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    Segment& s = segments[i];
    const std::size_t ch = channel_for(s, dialect, raw);
    used[i] = ch;
    llmgw_segment piece{};
    piece.struct_size = sizeof piece;
    piece.source = s.source;
    piece.message_index = s.message_index;
    piece.part_index = s.part_index;
    piece.role = {kAssistant.data(), kAssistant.size()};
    piece.text = {s.text.data(), s.text.size()};
    released_.clear();
    stream_->feed(ch, piece, released_);
    if (!stream_->ok()) return;
    if (released_ != s.text) {
      s.text = released_;
      changed[i] = true;
    }
    if (segments.size() == 1) {  // the channel's copy template (never one carrying other text)
      Channel& c = channels_[ch];
      c.before.assign(event.substr(0, data_at + s.begin));
      c.after.assign(event.substr(data_at + s.end));
    }
  }
  // OpenAI: a choice that finishes closes its channels; a tail of a channel with text in this
  // event joins that text, others go out as copies before it.
  std::vector<std::string> before;
  for (int64_t choice : found.finished_choices) {
    for (std::size_t ch = 0; ch < channels_.size(); ++ch) {
      if (!channels_[ch].open || channels_[ch].message_index != choice) continue;
      std::size_t in_event = segments.size();
      for (std::size_t i = 0; i < segments.size(); ++i)
        if (used[i] == ch) in_event = i;
      if (in_event == segments.size()) {
        close_channel(ch, before);
        continue;
      }
      Channel& c = channels_[ch];
      c.open = false;
      released_.clear();
      stream_->close(ch, segment_of(c), released_);
      if (!released_.empty()) {
        segments[in_event].text += released_;
        changed[in_event] = true;
      }
    }
  }
  if (!stream_->ok()) return;
  for (auto& b : before) out.push_back(std::move(b));
  bool any = false;
  for (bool c : changed) any = any || c;
  if (!any) {
    out.emplace_back(event);
    return;
  }
  std::string rewritten(event.substr(0, data_at));
  rewritten += splice_segments(data, segments, changed);
  rewritten += event.substr(data_at + data_len);
  out.push_back(std::move(rewritten));
}

void GuardReply::stream_raw(std::string_view bytes) {
  if (stopped_) return;
  if (!ensure_stream()) return client_->stream_raw(bytes);
  if (stopped_) return;
  std::string_view data = bytes;
  if (!partial_.empty()) {
    partial_.append(bytes);
    data = partial_;
  }
  std::vector<std::string> out;
  std::string single;  // an event with several data lines, as one (data_line)
  std::size_t at = 0;
  while (at < data.size()) {
    const std::size_t end = event_end(data, at);
    if (end == std::string_view::npos) break;
    std::string_view event = data.substr(at, end - at);
    std::size_t d = 0, len = 0;
    const std::string_view as_sent = event;
    if (data_line(event, d, len, single)) {
      guard_event(event, d, len, upstream_, true, out);
      if (event.data() != as_sent.data() && !out.empty() && out.back() == event) out.back().assign(as_sent);
    }
    else out.emplace_back(event);
    at = end;
    if (!stream_->ok()) break;
  }
  if (!stream_->ok()) return fail_stream();
  std::string rest(data.substr(at));
  partial_.swap(rest);
  std::string joined;
  for (const auto& e : out) joined += e;
  if (!joined.empty()) client_->stream_raw(joined);
}

void GuardReply::stream_chunk(std::string_view chunk_json) {
  if (stopped_) return;
  if (!ensure_stream()) return client_->stream_chunk(chunk_json);
  if (stopped_) return;
  std::vector<std::string> out;
  guard_event(chunk_json, 0, chunk_json.size(), LLMGW_DIALECT_OPENAI_CHAT, false, out);
  if (!stream_->ok()) return fail_stream();
  for (const auto& c : out) client_->stream_chunk(c);
}

void GuardReply::stream_error(const canonical::ApiError& error) {
  if (stopped_) return;
  client_->stream_error(error);
}

void GuardReply::stream_end(bool translated) {
  if (stopped_) {
    if (client_->committed()) client_->stream_end(false);
    return;
  }
  if (stream_ && stream_->ok()) {
    std::vector<std::string> out;
    close_all(out);
    if (!stream_->ok()) {
      fail_stream();
      if (client_->committed()) client_->stream_end(false);
      return;
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      // Copies of a translated stream are canonical chunks; of a raw one, SSE events.
      bool raw = true;
      for (const Channel& c : channels_) raw = raw && c.raw;
      if (raw) client_->stream_raw(out[i]);
      else client_->stream_chunk(out[i]);
    }
  }
  client_->stream_end(translated);
}

}  // namespace llmgw::guard
