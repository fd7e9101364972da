#include "scanner.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <stdexcept>

#include "key_block.hpp"
#include "native_hits.hpp"

namespace llmgw::pii {
namespace {

/// Custom patterns of unbounded length hold back at most this much of a stream.
constexpr std::size_t kUnboundedHold = 256;
/// The longest private key block a stream holds back for (detectors.cpp's hold_limit for it).
constexpr std::size_t kKeyMaxHold = 16384;
/// How far back a stream's cut may move to keep a word whole. Not the key block's cap: a long
/// word (a base64 blob) would then keep 16 KB held, rescanned on every chunk (a fuzz input of
/// 21 KB fed a byte at a time took 35 s).
constexpr std::size_t kWordHold = 1024;

std::atomic<uint64_t> next_id{1};

struct CollectHits {
  std::vector<Hit>* out;
  std::string_view text = {};  // whole-text pass: the text (for the ipv6 filter)
  unsigned ipv6 = UINT_MAX;     // whole-text pass: the ipv6 detector, whose ends are filtered
  /// Streams: the bytes scanned (text[0] at stream offset `offset`) and each detector's
  /// characters; a hit right after its detector's latest one, on one of its characters,
  /// extends that one (Hit::span).
  const std::vector<std::vector<bool>>* chars = nullptr;
  uint64_t offset = 0;
  std::vector<uint64_t>* last = nullptr;  // streams: per detector, the end of its latest hit
};
int on_hit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto& c = *static_cast<CollectHits*>(ctx);
  if (id == c.ipv6 && !ipv6_can_end(c.text, static_cast<std::size_t>(to))) return 0;
  if (c.last) (*c.last)[id] = std::max<uint64_t>((*c.last)[id], to);
  if (c.chars && to > c.offset && (*c.chars)[id][static_cast<unsigned char>(c.text[to - 1 - c.offset])]) {
    // The detector's latest hit is among the last few (other detectors' hits interleave).
    std::vector<Hit>& out = *c.out;
    for (std::size_t back = 1; back <= std::min<std::size_t>(out.size(), 8); ++back) {
      Hit& h = out[out.size() - back];
      if (h.detector != id) continue;
      if (h.end + 1 == to) {
        h.end = to;
        ++h.span;
        return 0;
      }
      break;
    }
  }
  c.out->push_back(Hit{id, to});
  return 0;
}

struct CollectMatches {
  std::vector<Match>* out;
  unsigned detector;
  uint64_t offset;
  uint64_t skip_from = UINT64_MAX;  // matches that start here are not taken
  uint64_t skip_to = UINT64_MAX;    // nor those that end here
  /// Only the longest end of each start is needed (a detector without a validator: select()
  /// takes the longest, and a shorter one with the same start is never looked at): a match
  /// with the start of the one reported before it replaces it. A growing token's window
  /// reports one match per end past its minimum, all from the same start.
  bool longest_only = false;
};
int on_match(unsigned, unsigned long long from, unsigned long long to, unsigned, void* ctx) {
  auto& c = *static_cast<CollectMatches*>(ctx);
  const Match m{c.detector, c.offset + from, c.offset + to};
  if (m.from == c.skip_from || m.to == c.skip_to) return 0;
  if (c.longest_only && !c.out->empty() && c.out->back().from == m.from && c.out->back().detector == m.detector) {
    c.out->back().to = std::max(c.out->back().to, m.to);
    return 0;
  }
  c.out->push_back(m);
  return 0;
}

bool word_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

/// Whether the whole-text pass finds `d`'s ends by hand (native_hits.hpp), not with Hyperscan.
bool native(const Detector& d) {
  return d.finder != Finder::none && d.finder != Finder::ipv6;
}

/// `som`: the exact patterns with start of match; else the prefilters (ends only). `skip_native`:
/// leaves out the detectors native_hits finds (the whole-text database). Null when no
/// pattern is left.
hs_database_t* compile(const std::vector<Detector>& detectors, unsigned mode, bool som = false,
                       bool skip_native = false) {
  const unsigned extra_flags = som ? HS_FLAG_SOM_LEFTMOST : 0u;
  std::vector<const char*> patterns;
  std::vector<unsigned> flags, ids;
  for (std::size_t i = 0; i < detectors.size(); ++i) {
    const Detector& d = detectors[i];
    if (skip_native && native(d)) continue;
    patterns.push_back(som || d.prefilter.empty() ? d.pattern.c_str() : d.prefilter.c_str());
    flags.push_back(extra_flags | (detectors[i].caseless ? HS_FLAG_CASELESS : 0u));
    ids.push_back(static_cast<unsigned>(i));
  }
  if (patterns.empty()) return nullptr;
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned>(patterns.size()), mode, nullptr,
                       &db, &error) != HS_SUCCESS) {
    std::string what = "cannot compile the patterns";
    if (error) {
      if (error->expression >= 0 && static_cast<std::size_t>(error->expression) < ids.size())
        what = "detector " + detectors[ids[static_cast<std::size_t>(error->expression)]].name + ": pattern refused";
      what += std::string(": ") + (error->message ? error->message : "unknown error");
      hs_free_compile_error(error);
    }
    throw std::runtime_error(what);
  }
  return db;
}

}  // namespace

Scanner::Scanner(std::vector<Detector> detectors, std::vector<std::string> allow)
    : allow_(std::move(allow)), id_(next_id++) {
  for (Detector& d : detectors)
    if (d.action != Action::off) detectors_.push_back(std::move(d));
  if (detectors_.empty()) throw std::runtime_error("every detector is off: nothing to scan for");
  for (Detector& d : detectors_) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    const unsigned flags = HS_FLAG_SOM_LEFTMOST | (d.caseless ? HS_FLAG_CASELESS : 0u);
    if (hs_expression_info(d.pattern.c_str(), flags, &info, &error) != HS_SUCCESS) {
      std::string what = "detector " + d.name + ": pattern refused: " + (error && error->message ? error->message : "?");
      if (error) hs_free_compile_error(error);
      throw std::runtime_error(what);
    }
    if (info->min_width == 0) {
      std::free(info);
      throw std::runtime_error("detector " + d.name + ": pattern matches the empty string");
    }
    d.max_length = info->max_width == UINT_MAX ? 0 : info->max_width;
    std::free(info);
    std::vector<bool> set(256, d.any_char);
    for (int c = 0; c < 256; ++c) {
      const bool digit = c >= '0' && c <= '9', upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
      bool in = false;
      switch (d.base) {
        case Detector::Base::alnum: in = digit || upper || lower; break;
        case Detector::Base::digits: in = digit; break;
        case Detector::Base::hex: in = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); break;
        case Detector::Base::upper_digits: in = digit || upper; break;
      }
      if (in) set[static_cast<std::size_t>(c)] = true;
    }
    for (unsigned char c : d.extra_chars) set[c] = true;
    const std::size_t i = chars_.size();
    if (i % 64 == 0) masks_.push_back({});
    for (std::size_t c = 0; c < 256; ++c)
      if (set[c]) masks_.back()[c] |= uint64_t{1} << (i % 64);
    chars_.push_back(std::move(set));
    const std::size_t hold = d.max_length != 0 ? d.max_length : d.hold_limit != 0 ? d.hold_limit : kUnboundedHold;
    limit_.push_back(hold);
    if (d.name != "private_key") max_hold_ = std::max(max_hold_, hold);
    cap_.push_back(d.name == "private_key" ? kKeyMaxHold : d.max_length != 0 ? 0 : hold);
    // One byte more than the longest match: a bounded match cannot start at the window's first
    // byte, where a \b would hold that does not hold in the text.
    window_.push_back((d.name == "private_key" ? kKeyMaxHold : hold) + 1);
  }
  for (std::size_t i = 0; i < detectors_.size(); ++i) {
    if (native(detectors_[i])) native_.push_back(NativeDetector{static_cast<unsigned>(i), detectors_[i].finder});
    if (detectors_[i].finder == Finder::ipv6) ipv6_ = static_cast<unsigned>(i);
    if (detectors_[i].finder == Finder::phone) phone_ = static_cast<unsigned>(i);
    if (detectors_[i].name == "private_key") key_ = static_cast<unsigned>(i);
  }
  word_hold_ = std::max(max_hold_, kWordHold);
  max_hold_ = std::max(max_hold_, kKeyMaxHold);  // an unfinished private key block
  try {
    block_ = compile(detectors_, HS_MODE_BLOCK, false, true);
    stream_ = compile(detectors_, HS_MODE_STREAM);
    for (const Detector& d : detectors_)
      som_.push_back(compile({d}, HS_MODE_BLOCK, true));
    if (phone_ != UINT32_MAX) {
      Detector anchored = detectors_[phone_];
      anchored.pattern = "^(?:" + anchored.pattern + ")";
      anchored.prefilter.clear();
      anchored_ = compile({anchored}, HS_MODE_BLOCK);
    }
    bool ok = (!block_ || hs_alloc_scratch(block_, &proto_) == HS_SUCCESS) &&
              hs_alloc_scratch(stream_, &proto_) == HS_SUCCESS;
    for (hs_database_t* db : som_) ok = ok && hs_alloc_scratch(db, &proto_) == HS_SUCCESS;
    if (anchored_) ok = ok && hs_alloc_scratch(anchored_, &proto_) == HS_SUCCESS;
    if (!ok) throw std::runtime_error("cannot allocate Hyperscan scratch space");
  } catch (...) {
    free_all();
    throw;
  }
}

void Scanner::free_all() {
  if (proto_) hs_free_scratch(proto_);
  if (block_) hs_free_database(block_);
  if (stream_) hs_free_database(stream_);
  for (hs_database_t* db : som_) hs_free_database(db);
  if (anchored_) hs_free_database(anchored_);
  anchored_ = nullptr;
  proto_ = nullptr;
  block_ = stream_ = nullptr;
  som_.clear();
}

Scanner::~Scanner() { free_all(); }

hs_scratch_t* Scanner::scratch() const {
  // One scratch per thread and scanner (a scratch may not be used by two scans at once); a
  // thread keeps the scratch of the last few scanners it served.
  struct Slot {
    uint64_t owner = 0;
    hs_scratch_t* scratch = nullptr;
  };
  struct Cache {
    Slot slots[4];
    unsigned next = 0;
    ~Cache() {
      for (Slot& s : slots)
        if (s.scratch) hs_free_scratch(s.scratch);
    }
  };
  thread_local Cache cache;
  for (Slot& s : cache.slots)
    if (s.owner == id_) return s.scratch;
  Slot& s = cache.slots[cache.next++ % 4];
  if (s.scratch) hs_free_scratch(s.scratch);
  s.scratch = nullptr;
  s.owner = 0;
  if (hs_clone_scratch(proto_, &s.scratch) != HS_SUCCESS) return nullptr;
  s.owner = id_;
  return s.scratch;
}

bool Scanner::allowed(std::string_view match) const {
  for (const std::string& a : allow_)
    if (iequal(a, match)) return true;
  return false;
}

bool Scanner::find_hits(std::string_view text, std::vector<Hit>& hits, std::vector<std::size_t>* phone_starts) const {
  hs_scratch_t* s = scratch();
  if (!s || text.size() > UINT32_MAX) return false;
  CollectHits c{&hits, text, ipv6_};
  if (block_ && hs_scan(block_, text.data(), static_cast<unsigned>(text.size()), 0, s, &on_hit, &c) != HS_SUCCESS)
    return false;
  find_native_hits(text, native_, hits, anchored_ ? phone_starts : nullptr);
  return true;
}

void Scanner::anchored_matches(std::string_view text, const std::vector<std::size_t>& starts,
                               std::vector<Match>& out) const {
  if (starts.empty() || !anchored_) return;
  hs_scratch_t* s = scratch();
  if (!s) throw std::runtime_error("no Hyperscan scratch");
  constexpr std::size_t kWindow = 65;  // a phone number is at most 41 bytes; one byte more for its \b
  for (const std::size_t at : starts) {
    const std::size_t until = std::min(text.size(), at + kWindow);
    const std::size_t before = out.size();
    CollectMatches c{&out, phone_, at};
    if (hs_scan(anchored_, text.data() + at, static_cast<unsigned>(until - at), 0, s, &on_match, &c) != HS_SUCCESS)
      throw std::runtime_error("scan failed");
    // A match that ends on the window's last byte is not taken (its \b could be false there).
    if (until < text.size())
      out.erase(std::remove_if(out.begin() + static_cast<std::ptrdiff_t>(before), out.end(),
                               [&](const Match& m) { return m.to == until; }),
                out.end());
  }
}

std::vector<Match> Scanner::confirm(std::string_view text, uint64_t base, std::vector<Hit> hits, uint64_t min_from) const {
  std::vector<Match> out;
  if (hits.empty()) return out;
  hs_scratch_t* s = scratch();
  if (!s) throw std::runtime_error("no Hyperscan scratch");
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.detector != b.detector ? a.detector < b.detector : a.end < b.end;
  });
  const uint64_t text_end = base + text.size();
  const uint64_t floor = std::max(base, min_from);
  // Where a match ending at `end` can start at the earliest: the longest match back, and no
  // further than the run of the detector's characters that ends there (a match holds none
  // other). The run makes a window a match long instead of the longest match long: an e-mail
  // window is the address, not the 320 bytes before its end (its start-of-match pass runs a
  // class at every byte, so the window's length is its cost).
  //
  // Hits of one detector come in order of their ends, and a stream reports a growing token at
  // every end past its minimum (an 8 KB JWT: ~8,000 hits): each walk goes back only to the hit
  // before it. When every byte since that hit is the detector's, both walks end where they
  // ended for it, or at this window's lowest start if that is later (the lowest start only
  // grows with the end), so a run of hits costs its window once, not once per hit.
  struct {
    unsigned d = UINT_MAX;
    uint64_t end = 0;    // the previous hit's end (clamped to the text)
    uint64_t first = 0;  // where the walk over the detector's characters ended for it
    uint64_t start = 0;  // its window's start (after the walk out of a word)
  } prev;
  // `known`: every byte since the previous hit is known to be the detector's (a Hit's span).
  auto window_start = [&](unsigned d, uint64_t end, bool known = false) {
    end = std::min(end, text_end);
    const uint64_t lowest = end > floor + window_[d] ? end - window_[d] : floor;
    const std::vector<bool>& set = chars_[d];
    const bool follows = prev.d == d && prev.end <= end;
    const uint64_t stop = follows ? std::max(prev.end, lowest) : lowest;
    uint64_t at = known && follows ? stop : end;
    while (at > stop && set[static_cast<unsigned char>(text[at - 1 - base])]) --at;
    if (at == stop && stop > lowest) {
      // Every byte since the previous hit is the detector's: its walks, or the lowest start.
      const uint64_t first = std::max(prev.first, lowest);
      const uint64_t start = first == prev.first ? std::max(prev.start, lowest) : first;
      prev = {d, end, first, start};
      return start;
    }
    const uint64_t first = at;
    // Not inside a word: a \b at the window's first byte would hold there, and the leftmost
    // start it allows would hide the real one (the check below drops it, and with it the end).
    while (at > lowest && at < text_end && word_char(text[at - 1 - base]) && word_char(text[at - base])) --at;
    prev = {d, end, first, at};
    return at;
  };
  for (std::size_t i = 0; i < hits.size();) {
    const unsigned d = hits[i].detector;
    // One window per run of hits whose windows touch: [first start, last end]. The ends of a
    // Hit's span touch (each window reaches back to the end before it) and start no earlier
    // than the first: the first end and the last are all that is looked at.
    uint64_t from = window_start(d, hits[i].first());
    if (hits[i].span) window_start(d, hits[i].end, true);
    uint64_t to = std::min(hits[i].end, text_end);
    std::size_t j = i + 1;
    for (; j < hits.size() && hits[j].detector == d; ++j) {
      const uint64_t start = window_start(d, hits[j].first());
      if (start > to) break;
      from = std::min(from, start);
      if (hits[j].span) window_start(d, hits[j].end, true);
      to = std::min(hits[j].end, text_end);
    }
    i = j;
    if (from >= to || d >= som_.size()) continue;
    // One byte of the text after the last end, so that a \b there reads as in the whole text;
    // a match that ends on the window's last byte is not taken (its \b could be false).
    const uint64_t until = std::min(to + 1, text_end);
    CollectMatches c{&out, d, from};
    if (until < text_end) c.skip_to = until;
    // A window that starts inside a word must not make a \b true there.
    if (from > base && word_char(text[from - base - 1]) && word_char(text[from - base])) c.skip_from = from;
    c.longest_only = detectors_[d].validate == nullptr;
    const std::string_view window = text.substr(from - base, until - from);
    if (hs_scan(som_[d], window.data(), static_cast<unsigned>(window.size()), 0, s, &on_match, &c) != HS_SUCCESS)
      throw std::runtime_error("scan failed");
  }
  return out;
}

std::vector<Match> Scanner::scan(std::string_view text) const {
  std::vector<Hit> hits;
  std::vector<std::size_t> phone_starts;
  if (!find_hits(text, hits, &phone_starts)) throw std::runtime_error("scan failed");
  std::vector<Match> raw = confirm(text, 0, std::move(hits));
  anchored_matches(text, phone_starts, raw);
  std::vector<Match> found = select(text, 0, raw);
  // A private key block longer than confirm()'s window (16 KB from BEGIN to END) is not seen
  // from its END line: each such block is one match, in place of the matches it overlaps (as a
  // stream takes it, Scanner::overflow). Texts shorter than the window skip this at once.
  const std::vector<Match> none;
  for (uint64_t from = 0; from < text.size();) {
    const std::optional<Overflow> o = overflow(text.substr(from), from, none);
    if (!o || o->open) break;  // open: key characters to the end and no END line (below)
    take_over(found, Match{o->detector, o->from, o->to});
    from = o->to;
  }
  // A key cut before its END line, the text ending inside it: one match to the end.
  if (const std::optional<Match> cut = cut_key_block(text, 0)) take_over(found, *cut);
  return found;
}

void Scanner::take_over(std::vector<Match>& found, const Match& m) {
  std::erase_if(found, [&](const Match& x) { return x.from < m.to && x.to > m.from; });
  found.insert(std::find_if(found.begin(), found.end(), [&](const Match& x) { return x.from > m.from; }), m);
}

std::optional<Match> Scanner::cut_key_block(std::string_view text, uint64_t base) const {
  if (key_ == UINT32_MAX) return std::nullopt;
  const std::vector<bool>& set = chars_[key_];
  // Only the key characters' run at the end can hold it: the search starts there.
  std::size_t run = text.size();
  while (run > 0 && set[static_cast<unsigned char>(text[run - 1])]) --run;
  for (std::size_t at = text.find(kKeyBegin, run); at != std::string_view::npos; at = text.find(kKeyBegin, at + 1)) {
    const std::size_t label = at + kKeyBegin.size();
    const std::size_t close = text.find(kKeyDashes, label);
    if (close == std::string_view::npos) return std::nullopt;  // the header itself is cut: no key yet
    if (!private_key_label(text.substr(label, close - label))) continue;
    const std::size_t body = close + kKeyDashes.size();
    if (key_end_line(text.substr(body)) != std::string_view::npos) continue;  // a whole block: found as such
    return Match{key_, base + at, base + text.size()};
  }
  return std::nullopt;
}

std::vector<Match> Scanner::valid_candidates(std::string_view text, uint64_t base, const std::vector<Match>& raw) const {
  std::vector<Match> pending;
  pending.reserve(raw.size());
  for (const Match& m : raw)
    if (m.from >= base && m.to <= base + text.size() && m.to > m.from) pending.push_back(m);
  std::vector<Match> valid;
  // A start-of-match scan reports only the leftmost start of each end: when that candidate fails
  // its validator, the next start with the same end is looked for (at most kRetries times).
  constexpr int kRetries = 16;
  for (int round = 0; !pending.empty() && round <= kRetries; ++round) {
    std::sort(pending.begin(), pending.end(), [](const Match& a, const Match& b) {
      if (a.detector != b.detector) return a.detector < b.detector;
      if (a.from != b.from) return a.from < b.from;
      return a.to > b.to;
    });
    pending.erase(std::unique(pending.begin(), pending.end(),
                              [](const Match& a, const Match& b) {
                                return a.detector == b.detector && a.from == b.from && a.to == b.to;
                              }),
                  pending.end());
    std::vector<Match> retry;
    for (std::size_t i = 0; i < pending.size();) {
      std::size_t j = i;
      bool found = false;
      for (; j < pending.size() && pending[j].detector == pending[i].detector && pending[j].from == pending[i].from; ++j) {
        if (found) continue;
        const Match& m = pending[j];
        const std::string_view s = text.substr(m.from - base, m.to - m.from);
        const Detector& d = detectors_[m.detector];
        if (d.validate && !d.validate(s)) {
          if (round < kRetries) retry.push_back(m);
          continue;
        }
        found = true;
        if (!allowed(s)) valid.push_back(m);
      }
      i = j;
    }
    pending.clear();
    for (const Match& r : retry) {
      // The next start: a window that begins inside a word hides a start there, so step on
      // (a few bytes at most) until one is found.
      for (uint64_t next = r.from + 1; next < r.to && next <= r.from + kRetries; ++next) {
        bool found = false;
        for (const Match& m : confirm(text, base, {Hit{r.detector, r.to}}, next))
          if (m.to == r.to && m.from > r.from) {
            pending.push_back(m);
            found = true;
          }
        if (found) break;
      }
    }
  }
  // Leftmost first; on equal starts the longer, then the detector listed first.
  std::sort(valid.begin(), valid.end(), [](const Match& a, const Match& b) {
    if (a.from != b.from) return a.from < b.from;
    if (a.to != b.to) return a.to > b.to;
    return a.detector < b.detector;
  });
  return valid;
}

std::vector<Match> Scanner::select(std::string_view text, uint64_t base, const std::vector<Match>& raw) const {
  std::vector<Match> valid = valid_candidates(text, base, raw);
  std::vector<Match> out;
  uint64_t covered = 0;
  for (std::size_t i = 0; i < valid.size(); ++i) {
    const Match& m = valid[i];
    if (!out.empty() && m.from < covered) {
      if (m.to <= covered) continue;
      // Overlaps the match taken before it: a later start of this detector with the same end?
      std::vector<Match> again = valid_candidates(text, base, confirm(text, base, {Hit{m.detector, m.to}}, covered));
      for (const Match& a : again) {
        if (a.from < covered || a.to != m.to) continue;
        auto at = std::lower_bound(valid.begin() + static_cast<std::ptrdiff_t>(i) + 1, valid.end(), a,
                                   [](const Match& x, const Match& y) { return x.from < y.from; });
        valid.insert(at, a);
        break;
      }
      continue;
    }
    out.push_back(m);
    covered = m.to;
  }
  return out;
}

hs_stream_t* Scanner::open_stream() const {
  hs_stream_t* s = nullptr;
  return hs_open_stream(stream_, 0, &s) == HS_SUCCESS ? s : nullptr;
}

bool Scanner::scan_stream(hs_stream_t* stream, std::string_view text, uint64_t offset, std::vector<Hit>& hits,
                          std::vector<uint64_t>& last_hit) const {
  hs_scratch_t* s = scratch();
  if (!s || text.size() > UINT32_MAX) return false;
  last_hit.resize(detectors_.size(), 0);
  CollectHits c{&hits, text, UINT_MAX, &chars_, offset, &last_hit};
  return hs_scan_stream(stream, text.data(), static_cast<unsigned>(text.size()), 0, s, &on_hit, &c) == HS_SUCCESS;
}

void Scanner::close_stream(hs_stream_t* stream, std::vector<Hit>* hits) const {
  hs_scratch_t* s = hits ? scratch() : nullptr;
  CollectHits c{hits};
  hs_close_stream(stream, s, s ? &on_hit : nullptr, s ? &c : nullptr);
}

std::size_t Scanner::hold_back(std::string_view text, uint64_t base, std::size_t appended, HoldState& state) const {
  std::vector<std::size_t>& runs = state.runs;
  runs.resize(detectors_.size(), 0);
  appended = std::min(appended, text.size());
  for (std::size_t g = 0; g < masks_.size(); ++g) {
    const std::size_t first = g * 64, count = std::min<std::size_t>(64, detectors_.size() - first);
    uint64_t going = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;  // runs not ended yet
    if (key_ / 64 == g) going &= ~(uint64_t{1} << (key_ % 64));  // KeyBlockHold measures its own
    std::size_t k = 0;
    for (; k < appended && going; ++k) {
      const uint64_t keep = masks_[g][static_cast<unsigned char>(text[text.size() - 1 - k])];
      for (uint64_t ended = going & ~keep; ended; ended &= ended - 1) {
        const std::size_t i = first + static_cast<std::size_t>(__builtin_ctzll(ended));
        runs[i] = std::min(k, limit_[i]);
      }
      going &= keep;
    }
    // All of the new bytes belong: the run goes on from the one before them (which may have lost
    // its head to a release since).
    for (; going; going &= going - 1) {
      const std::size_t i = first + static_cast<std::size_t>(__builtin_ctzll(going));
      runs[i] = std::min({appended + runs[i], limit_[i], text.size()});
    }
  }
  std::size_t hold = 0;
  for (std::size_t i = 0; i < detectors_.size(); ++i)
    hold = std::max(hold, i == key_ ? state.key.hold(text, base, limit_[i], chars_[i]) : runs[i]);
  // Never cut a word: the held text must start where a \b reads the same as in the whole text.
  std::size_t cut = text.size() - hold;
  while (cut > 0 && cut < text.size() && word_char(text[cut - 1]) && word_char(text[cut]) && text.size() - cut < word_hold_)
    --cut;
  return text.size() - cut;
}

bool Scanner::may_overflow_open(std::size_t held, uint64_t base, const std::vector<std::size_t>& runs,
                                const std::vector<uint64_t>& last_hit) const {
  if (key_ != UINT32_MAX && held >= cap_[key_]) return true;
  for (std::size_t i = 0; i < detectors_.size(); ++i) {
    if (i == key_ || cap_[i] == 0) continue;
    const bool long_run = i >= runs.size() || runs[i] >= cap_[i];
    const bool hit = i >= last_hit.size() || last_hit[i] > base;
    if (long_run && hit) return true;
  }
  return false;
}

std::optional<Overflow> Scanner::overflow(std::string_view text, uint64_t base, const std::vector<Match>& found) const {
  std::optional<Overflow> first;
  auto take = [&](Overflow o) {
    if (!first || o.from < first->from) first = o;
  };
  // Tokens: a match of `found` whose detector's characters run on from its start for the cap or
  // more (confirm() sees a match back to at most the cap from its end).
  for (const Match& m : found) {
    const Detector& d = detectors_[m.detector];
    if (m.detector == key_ || cap_[m.detector] == 0 || d.action == Action::log_only) continue;
    std::size_t at = static_cast<std::size_t>(m.to - base);
    while (at < text.size() && chars_[m.detector][static_cast<unsigned char>(text[at])]) ++at;
    if (base + at - m.from < cap_[m.detector]) continue;
    take(Overflow{m.detector, m.from, base + at, at == text.size()});
    break;  // found is in order: later ones start later
  }
  // A private key block: found only when its BEGIN line is within the cap of its END line.
  if (key_ == UINT32_MAX || detectors_[key_].action == Action::log_only || text.size() < cap_[key_]) return first;
  const std::vector<bool>& set = chars_[key_];
  for (std::size_t at = text.find(kKeyBegin); at != std::string_view::npos && text.size() - at >= cap_[key_];
       at = text.find(kKeyBegin, at + 1)) {
    if (first && base + at >= first->from) break;
    const std::size_t label = at + kKeyBegin.size();
    const std::size_t close = text.find(kKeyDashes, label);
    if (close == std::string_view::npos) break;
    if (!private_key_label(text.substr(label, close - label))) continue;
    const std::size_t body = close + kKeyDashes.size();
    std::size_t stop = body;  // the first byte no key block holds
    while (stop < text.size() && set[static_cast<unsigned char>(text[stop])]) ++stop;
    const std::size_t end = key_end_line(text.substr(body, stop - body));
    if (end != std::string_view::npos) {
      if (body + end - at >= cap_[key_]) take(Overflow{key_, base + at, base + body + end, false});
      else continue;  // a block confirm() finds whole
    } else if (stop == text.size()) {
      take(Overflow{key_, base + at, base + text.size(), true});
    } else {
      continue;  // a byte no key holds before any END line: not a key block
    }
    break;
  }
  return first;
}

}  // namespace llmgw::pii
