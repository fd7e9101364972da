#include "pii_stream.hpp"

#include <algorithm>
#include <stdexcept>

namespace llmgw::pii {

PiiStream::~PiiStream() {
  for (auto& [id, c] : channels_)
    if (c.hs) scanner_.close_stream(c.hs, nullptr);
}

void PiiStream::drop_hits(Channel& c, uint64_t upto) {
  std::erase_if(c.hits, [&](const Hit& h) { return h.end <= upto; });
  for (Hit& h : c.hits)
    if (h.first() <= upto) h.span = h.end - upto - 1;
}

void PiiStream::forget(Channel& c, uint64_t upto) {
  c.held.erase(0, upto - c.base);
  c.base = upto;
  // Ends in released text are done with (their matches were released, or were not valid).
  drop_hits(c, upto);
}

bool PiiStream::release(std::size_t channel, Channel& c, uint64_t upto, GuardStreamOut& out, bool final) {
  // No ends held (most events of most answers): no matches, and nothing to confirm.
  std::vector<Match> found;
  if (!c.hits.empty()) found = scanner_.select(c.held, c.base, scanner_.confirm(c.held, c.base, c.hits));
  const uint64_t end = c.base + c.held.size();
  const std::optional<Overflow> over = scanner_.overflow(c.held, c.base, found);
  if (over) {
    // Matches within it are part of it. Open: one that starts before it and ends inside it
    // moves `upto` back to its start below, and is dropped with it; closed: it takes the place
    // of the matches it overlaps.
    if (over->open) {
      std::erase_if(found, [&](const Match& m) { return m.from >= over->from; });
      upto = std::min(upto, over->from);
    } else {
      std::erase_if(found, [&](const Match& m) { return m.from < over->to && m.to > over->from; });
      found.insert(std::find_if(found.begin(), found.end(), [&](const Match& m) { return m.from > over->from; }),
                   Match{over->detector, over->from, over->to});
    }
  }
  // The stream closes inside a private key block (cut before its END line): one match to the
  // end, as a whole text takes it (over the cap, the overflow above already took it).
  if (final && !(over && over->open))
    if (const std::optional<Match> cut = scanner_.cut_key_block(c.held, c.base)) Scanner::take_over(found, *cut);
  // A match that crosses the release point keeps all of itself held.
  for (const Match& m : found)
    if (m.from < upto && m.to > upto) upto = m.from;
  if (!c.restore && !(over && over->open) && (found.empty() || found.front().to > upto)) {
    // Nothing to replace or restore in what leaves: it leaves as it is held.
    out.emit(channel, std::string_view(c.held).substr(0, upto - c.base));
    forget(c, upto);
    return true;
  }
  std::string text;
  // Text that is not a redaction: through the channel's restorer in a reversible call.
  auto gap = [&](uint64_t from, uint64_t to) {
    const std::string_view g(c.held.data() + (from - c.base), to - from);
    if (c.restore) c.restore->feed(g, text);
    else text.append(g);
  };
  uint64_t at = c.base;
  for (const Match& m : found) {
    if (m.to > upto) break;
    const Detector& d = scanner_.detectors()[m.detector];
    host_.counter_add(counters_[m.detector]);
    const std::string_view value(c.held.data() + (m.from - c.base), m.to - m.from);
    if (d.action == Action::block) {
      blocked_ = true;
      out.block(channel, d.name, "the answer contains " + d.name);
      return false;
    }
    if (d.action == Action::log_only) continue;
    if (restore_ && restore_->has_value(value)) continue;  // the client's own value
    gap(at, m.from);
    if (c.restore) c.restore->flush(text);  // a placeholder's beginning before a redaction stays as it is
    text += redactor_.replacement(d, value);
    at = m.to;
  }
  gap(at, upto);
  if (over && over->open) {
    // The held part of the match (from where the released text stops) leaves as one
    // replacement; the rest is dropped as it comes (feed).
    const Detector& d = scanner_.detectors()[over->detector];
    host_.counter_add(counters_[over->detector]);
    if (d.action == Action::block) {
      blocked_ = true;
      out.block(channel, d.name, "the answer contains " + d.name);
      return false;
    }
    const std::string_view value(c.held.data() + (upto - c.base), end - upto);
    if (c.restore) c.restore->flush(text);
    text += d.action == Action::mask ? mask_all(value) : redactor_.replacement(d, value);
    c.suppress.emplace(scanner_, over->detector, d.action == Action::mask, value);
    upto = end;
    c.hold.runs.assign(c.hold.runs.size(), 0);
  }
  if (final && c.restore) c.restore->flush(text);
  out.emit(channel, text);
  forget(c, upto);
  return true;
}

void PiiStream::feed(std::size_t channel, const llmgw_segment& piece, GuardStreamOut& out) {
  if (blocked_) return;
  Channel& c = channels_[channel];
  if (c.closed) throw std::runtime_error("feed after close");
  if (!c.hs && !(c.hs = scanner_.open_stream())) throw std::runtime_error("cannot open a Hyperscan stream");
  if (restore_ && !c.restore) c.restore.emplace(*restore_);
  const std::string_view text = view(piece.text);
  if (text.empty()) return;
  const uint64_t offset = c.base + c.held.size();  // of text[0]
  if (!scanner_.scan_stream(c.hs, text, offset, c.hits, c.last_hit)) throw std::runtime_error("stream scan failed");
  std::string_view rest = text;
  if (c.suppress) {
    // The bytes that still belong to an over-long match: dropped (masked under mask).
    std::string masked;
    bool ended = false;
    const std::size_t n = c.suppress->consume(text, masked, ended);
    out.emit(channel, masked);
    c.base += n;
    drop_hits(c, c.base);
    if (ended) c.suppress.reset();
    rest = text.substr(n);
    if (rest.empty()) return;
  }
  c.held.append(rest);
  const std::size_t hold = scanner_.hold_back(c.held, c.base, rest.size(), c.hold);
  // All of it stays held (a token or JWT growing a byte at a time): a release would confirm the
  // whole held match again only to release nothing, O(held) per event. It can change something
  // only once the match may have outgrown its cap (an open overflow); before, its end is looked
  // at once, when a byte it cannot hold arrives or the stream closes.
  if (hold == c.held.size() && !scanner_.may_overflow_open(c.held.size(), c.base, c.hold.runs, c.last_hit)) return;
  release(channel, c, c.base + (c.held.size() - hold), out);
}

void PiiStream::close(std::size_t channel, GuardStreamOut& out) {
  if (blocked_) return;
  auto it = channels_.find(channel);
  if (it == channels_.end()) return;
  Channel& c = it->second;
  if (c.closed) return;
  c.closed = true;
  if (c.hs) {
    scanner_.close_stream(c.hs, &c.hits);  // matches that need the end of the text
    c.hs = nullptr;
  }
  release(channel, c, c.base + c.held.size(), out, true);
}

}  // namespace llmgw::pii
