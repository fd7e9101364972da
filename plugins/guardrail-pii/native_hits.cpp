#include "native_hits.hpp"

#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace llmgw::pii {
namespace {

bool digit(char c) { return static_cast<unsigned char>(c - '0') < 10; }
bool upper(char c) { return static_cast<unsigned char>(c - 'A') < 26; }
bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/// [A-Za-z0-9_]: the bytes a \b tells apart from the others.
constexpr std::array<bool, 256> kWord = [] {
  std::array<bool, 256> w{};
  for (int c = 0; c < 256; ++c)
    w[static_cast<std::size_t>(c)] =
        (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  return w;
}();
bool word(char c) { return kWord[static_cast<unsigned char>(c)]; }

/// Bit masks of the text's bytes, one bit per byte (bit i of word w is byte 64(w - 1) + i),
/// with an empty word on each side so that shifts across word edges read zeros past the text.
struct Masks {
  std::vector<uint64_t> digit, sep, upper, start;  // sep: ' ' or '-'; start: '+' or '('
  std::size_t words = 0;

  /// Digits for every word first (one compare per 16 bytes: prose costs little more); the other
  /// masks only for words where a digit is, or follows in the next word (nothing can begin
  /// anywhere else).
  void build(std::string_view text) {
    words = (text.size() + 63) / 64;
    for (auto* m : {&digit, &sep, &upper, &start}) m->assign(words + 2, 0);
    const char* p = text.data();
    const std::size_t n = text.size();
    const std::size_t whole = n / 64;  // words of 64 bytes; the last partial one is done bytewise
#if defined(__SSE2__)
    const __m128i d_lo = _mm_set1_epi8('0' - 1), d_hi = _mm_set1_epi8('9' + 1);
    const auto bits = [](__m128i v) { return static_cast<uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(v))); };
    const auto load = [&](std::size_t w, unsigned k) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + (w - 1) * 64 + 16 * k));
    };
    for (std::size_t w = 1; w <= whole; ++w) {
      uint64_t d = 0;
      for (unsigned k = 0; k < 4; ++k) {
        const __m128i x = load(w, k);
        d |= bits(_mm_and_si128(_mm_cmpgt_epi8(x, d_lo), _mm_cmplt_epi8(x, d_hi))) << (16 * k);
      }
      digit[w] = d;
    }
#else
    for (std::size_t i = 0; i < whole * 64; ++i)
      if (static_cast<unsigned char>(p[i] - '0') < 10) digit[1 + i / 64] |= uint64_t{1} << (i % 64);
#endif
    for (std::size_t i = whole * 64; i < n; ++i)
      if (static_cast<unsigned char>(p[i] - '0') < 10) digit[1 + i / 64] |= uint64_t{1} << (i % 64);
    for (std::size_t w = 1; w <= words; ++w) {
      if (!(digit[w] | digit[w + 1])) continue;
      if (w > whole) {  // the partial last word
        for (std::size_t i = (w - 1) * 64; i < n; ++i) set_other(p[i], w, i % 64);
        continue;
      }
#if defined(__SSE2__)
      const __m128i u_lo = _mm_set1_epi8('A' - 1), u_hi = _mm_set1_epi8('Z' + 1);
      const __m128i space = _mm_set1_epi8(' '), hyphen = _mm_set1_epi8('-');
      const __m128i plus = _mm_set1_epi8('+'), paren = _mm_set1_epi8('(');
      uint64_t sp = 0, u = 0, st = 0;
      for (unsigned k = 0; k < 4; ++k) {
        const __m128i x = load(w, k);
        u |= bits(_mm_and_si128(_mm_cmpgt_epi8(x, u_lo), _mm_cmplt_epi8(x, u_hi))) << (16 * k);
        sp |= bits(_mm_or_si128(_mm_cmpeq_epi8(x, space), _mm_cmpeq_epi8(x, hyphen))) << (16 * k);
        st |= bits(_mm_or_si128(_mm_cmpeq_epi8(x, plus), _mm_cmpeq_epi8(x, paren))) << (16 * k);
      }
      sep[w] = sp;
      upper[w] = u;
      start[w] = st;
#else
      for (std::size_t i = (w - 1) * 64; i < w * 64; ++i) set_other(p[i], w, i % 64);
#endif
    }
  }

  void set_other(char c, std::size_t w, std::size_t bit_index) {
    const uint64_t bit = uint64_t{1} << bit_index;
    if (static_cast<unsigned char>(c - 'A') < 26) upper[w] |= bit;
    if (c == ' ' || c == '-') sep[w] |= bit;
    if (c == '+' || c == '(') start[w] |= bit;
  }
};

/// Word `w` (1-based, as stored) of the mask read `k` bytes ahead: bit p is m[p + k].
inline uint64_t ahead(const std::vector<uint64_t>& m, std::size_t w, unsigned k) {
  return (m[w] >> k) | (m[w + 1] << (64 - k));
}
/// Word `w` of the mask read `k` bytes behind: bit p is m[p - k].
inline uint64_t behind(const std::vector<uint64_t>& m, std::size_t w, unsigned k) {
  return (m[w] << k) | (m[w - 1] >> (64 - k));
}

class Finders {
 public:
  Finders(std::string_view text, const std::vector<NativeDetector>& detectors, std::vector<Hit>& hits,
          std::vector<std::size_t>* phone_starts)
      : t_(text), hits_(hits), phone_starts_(phone_starts) {
    for (const NativeDetector& d : detectors) {
      switch (d.finder) {
        case Finder::payment_card: card_ = static_cast<int>(d.detector); break;
        case Finder::us_ssn: ssn_ = static_cast<int>(d.detector); break;
        case Finder::iban: iban_ = static_cast<int>(d.detector); break;
        case Finder::phone: phone_ = static_cast<int>(d.detector); break;
        default: break;
      }
    }
  }

  /// The masks first; then only where a match can begin: a run of at least 11 digits and single
  /// separators (every card and SSN is one), "LLdd" after a \b (an IBAN's head), a '+' or '('
  /// before a digit (a phone's).
  void run() {
    thread_local Masks m;
    m.build(t_);
    const bool numbers = card_ >= 0 || ssn_ >= 0;
    // F: digits, and a separator between two digits. F1..F11: F holds from p to p + k - 1.
    thread_local std::vector<uint64_t> f;
    f.assign(m.words + 2, 0);
    for (std::size_t w = 1; w <= m.words; ++w)
      if (m.digit[w]) f[w] = m.digit[w] | (m.sep[w] & behind(m.digit, w, 1) & ahead(m.digit, w, 1));
    for (std::size_t w = 1; w <= m.words; ++w) {
      if (!(m.digit[w] | m.digit[w + 1])) continue;  // no digit here or just after: nothing begins here
      uint64_t starts = 0;
      if (numbers) {
        const uint64_t f2 = f[w] & ahead(f, w, 1);
        const uint64_t f2n = ahead(f, w, 2) & ahead(f, w, 3);
        const uint64_t f4 = f2 & f2n;
        const uint64_t f4n = ahead(f, w, 4) & ahead(f, w, 5) & ahead(f, w, 6) & ahead(f, w, 7);
        const uint64_t f8 = f4 & f4n;
        starts = f8 & ahead(f, w, 8) & ahead(f, w, 9) & ahead(f, w, 10);
      }
      // An IBAN's head "LLdd" (the \b before it is checked in iban_at).
      const uint64_t ibans =
          iban_ < 0 ? 0 : m.upper[w] & ahead(m.upper, w, 1) & ahead(m.digit, w, 2) & ahead(m.digit, w, 3);
      const uint64_t phones = phone_ < 0 ? 0 : m.start[w] & ahead(m.digit, w, 1);
      for (uint64_t bits = starts | ibans | phones; bits; bits &= bits - 1) {
        const unsigned bit = static_cast<unsigned>(__builtin_ctzll(bits));
        const std::size_t p = (w - 1) * 64 + bit;
        const uint64_t one = uint64_t{1} << bit;
        if ((starts & one) && p >= covered_) cluster_from(p, f);
        if ((ibans & one) && boundary_before(p)) iban_from(p + 4);
        if (phones & one) phone_from(p);
      }
    }
  }

 private:
  bool boundary_before(std::size_t at) const { return at == 0 || !word(t_[at - 1]); }
  bool boundary_after(std::size_t at) const { return at == t_.size() || !word(t_[at]); }
  void hit(int detector, std::size_t end) { hits_.push_back(Hit{static_cast<unsigned>(detector), end}); }

  bool in_f(const std::vector<uint64_t>& f, std::size_t p) const {
    return p < t_.size() && (f[1 + p / 64] >> (p % 64) & 1);
  }

  /// The run of F (digits and single separators) around `p`: each of its runs of digits, in
  /// order, as one card cluster.
  void cluster_from(std::size_t p, const std::vector<uint64_t>& f) {
    while (p > 0 && in_f(f, p - 1)) --p;
    run_count_ = cluster_digits_ = 0;
    const std::size_t n = t_.size();
    while (p < n && in_f(f, p)) {
      if (!digit(t_[p])) {
        ++p;
        continue;
      }
      std::size_t b = p + 1;
      while (b < n && digit(t_[b])) ++b;
      digit_run(p, b);
      p = b;
    }
    covered_ = p;
  }

  /// A maximal run of digits [a, b) in a run of F.
  void digit_run(std::size_t a, std::size_t b) {
    if (ssn_ >= 0 && b - a == 4 && a >= 7 && t_[a - 1] == '-' && digit(t_[a - 2]) && digit(t_[a - 3]) &&
        t_[a - 4] == '-' && digit(t_[a - 5]) && digit(t_[a - 6]) && digit(t_[a - 7]) && boundary_before(a - 7) &&
        boundary_after(b))
      hit(ssn_, b);
    if (card_ >= 0) card_run(a, b);
  }

  /// IBAN: the shape's characters after "LLdd" (at `at`), a single space allowed before each.
  void iban_from(std::size_t at) {
    const std::size_t n = t_.size();
    int count = 0;
    while (count < 30) {
      if (at + 1 < n && t_[at] == ' ' && (upper(t_[at + 1]) || digit(t_[at + 1]))) ++at;
      if (at >= n || !(upper(t_[at]) || digit(t_[at]))) break;
      ++at;
      if (++count >= 11 && boundary_after(at)) hit(iban_, at);
    }
  }

  /// Payment cards: runs joined by one ' ' or '-' form a cluster; a match starts at a run that
  /// follows a \b and ends at a run a \b follows, 13 to 19 digits in all.
  void card_run(std::size_t a, std::size_t b) {
    const bool joined = run_count_ > 0 && a == last_end_ + 1 && (t_[last_end_] == ' ' || t_[last_end_] == '-');
    if (!joined) run_count_ = cluster_digits_ = 0;
    Run& r = runs_[run_count_ % runs_.size()];
    r.digits = b - a;
    r.start_ok = joined || boundary_before(a);
    ++run_count_;
    cluster_digits_ += b - a;
    last_end_ = b;
    if (cluster_digits_ < 13 || !boundary_after(b)) return;
    std::size_t sum = 0;
    for (std::size_t k = 0; k < run_count_ && k < runs_.size(); ++k) {
      const Run& s = runs_[(run_count_ - 1 - k) % runs_.size()];
      sum += s.digits;
      if (sum > 19) break;
      if (sum >= 13 && s.start_ok) {
        hit(card_, b);
        break;
      }
    }
  }

  /// Phone: from a '+' followed by [1-9] or a '(' followed by a digit, every digit that a \b
  /// follows, over [0-9 .-()] (the pattern's characters) within 64 bytes.
  void phone_from(std::size_t at) {
    const std::size_t n = t_.size();
    if (at + 1 >= n) return;
    const char next = t_[at + 1];
    if (t_[at] == '+' ? !(next >= '1' && next <= '9') : !digit(next)) return;
    if (phone_starts_) {
      phone_starts_->push_back(at);
      return;
    }
    const std::size_t end = std::min(n, at + 64);
    for (std::size_t i = at + 1; i < end; ++i) {
      const char c = t_[i];
      if (digit(c)) {
        if (boundary_after(i + 1)) hit(phone_, i + 1);
      } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')') {
        break;
      }
    }
  }

  struct Run {
    std::size_t digits = 0;
    bool start_ok = false;
  };

  std::string_view t_;
  std::vector<Hit>& hits_;
  std::vector<std::size_t>* phone_starts_;  // null: phones are hits like the others
  int card_ = -1, ssn_ = -1, iban_ = -1, phone_ = -1;
  std::array<Run, 20> runs_{};  // the cluster's last runs (19 digits need at most 19 runs)
  std::size_t run_count_ = 0;   // runs in the cluster so far
  std::size_t cluster_digits_ = 0;  // digits in the cluster so far
  std::size_t last_end_ = 0;
  std::size_t covered_ = 0;  // clusters are walked up to here
};

}  // namespace

void find_native_hits(std::string_view text, const std::vector<NativeDetector>& detectors, std::vector<Hit>& hits,
                      std::vector<std::size_t>* phone_starts) {
  if (detectors.empty()) return;
  Finders(text, detectors, hits, phone_starts).run();
}

bool ipv6_can_end(std::string_view text, std::size_t end) {
  // Back over [0-9A-Fa-f:] (a match is 39 bytes at most): a start is a hex digit after a \b, and
  // needs two ':' between it and the end.
  int colons = 0;
  const std::size_t lowest = end > 40 ? end - 40 : 0;
  for (std::size_t at = end; at > lowest;) {
    const char c = text[--at];
    if (c == ':') {
      ++colons;
      continue;
    }
    if (!hex(c)) break;
    if (colons >= 2 && (at == 0 || !word(text[at - 1]))) return true;
  }
  return false;
}

}  // namespace llmgw::pii
