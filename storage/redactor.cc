#include "storage/redactor.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>

namespace orauditd {
namespace {

using Match = RedactionMatch;
using Kind = RedactionKind;
constexpr size_t kNone = std::string_view::npos;

// Character classes, one bit each, so that every test is one table load.
constexpr uint16_t kDigitBit = 1 << 0;
constexpr uint16_t kAlphaBit = 1 << 1;
constexpr uint16_t kUpperBit = 1 << 2;
constexpr uint16_t kWordBit = 1 << 3;        // letters, digits, '_'
constexpr uint16_t kKeyBit = 1 << 4;         // word and '-': API key bodies
constexpr uint16_t kDomainBit = 1 << 5;      // letters, digits, '-'
constexpr uint16_t kEmailLocalBit = 1 << 6;  // letters, digits, ". _ % + -"
constexpr uint16_t kToken68Bit = 1 << 7;     // RFC 7235: bearer tokens, basic credentials
constexpr uint16_t kPasswordBit = 1 << 8;    // anything but space, quotes and closers

constexpr std::array<uint16_t, 256> MakeClasses() {
  std::array<uint16_t, 256> t{};
  for (int c = 0x21; c < 0x100; ++c) t[c] |= kPasswordBit;
  for (char c : std::string_view("\"',;&})]")) t[static_cast<uint8_t>(c)] &= ~kPasswordBit;
  constexpr uint16_t kAlnum = kWordBit | kKeyBit | kDomainBit | kEmailLocalBit | kToken68Bit;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kDigitBit | kAlnum;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kAlphaBit | kAlnum;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kAlphaBit | kUpperBit | kAlnum;
  t['_'] |= kWordBit | kKeyBit | kEmailLocalBit | kToken68Bit;
  t['-'] |= kKeyBit | kDomainBit | kEmailLocalBit | kToken68Bit;
  t['.'] |= kEmailLocalBit | kToken68Bit;
  t['%'] |= kEmailLocalBit;
  t['+'] |= kEmailLocalBit | kToken68Bit;
  for (char c : std::string_view("~/=")) t[static_cast<uint8_t>(c)] |= kToken68Bit;
  return t;
}

constexpr std::array<uint16_t, 256> kClasses = MakeClasses();

bool Is(char c, uint16_t bits) { return (kClasses[static_cast<uint8_t>(c)] & bits) != 0; }
bool IsDigit(char c) { return Is(c, kDigitBit); }
bool IsAlpha(char c) { return Is(c, kAlphaBit); }
bool IsAlnum(char c) { return Is(c, kDigitBit | kAlphaBit); }
bool IsWord(char c) { return Is(c, kWordBit); }
bool IsKeyChar(char c) { return Is(c, kKeyBit); }
char Lower(char c) { return Is(c, kUpperBit) ? static_cast<char>(c | 0x20) : c; }

// Prefixes are a few bytes: a loop the compiler unrolls beats a memcmp call.
bool StartsWith(std::string_view text, size_t i, std::string_view prefix) {
  if (text.size() - i < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (text[i + k] != prefix[k]) return false;
  }
  return true;
}

bool StartsWithNoCase(std::string_view text, size_t i, std::string_view lower_prefix) {
  if (text.size() - i < lower_prefix.size()) return false;
  for (size_t k = 0; k < lower_prefix.size(); ++k) {
    if (Lower(text[i + k]) != lower_prefix[k]) return false;
  }
  return true;
}

bool EndsWithNoCase(std::string_view text, std::string_view lower_suffix) {
  return text.size() >= lower_suffix.size() &&
         StartsWithNoCase(text, text.size() - lower_suffix.size(), lower_suffix);
}

// The end of the run of characters in `bits` that starts at `i`.
size_t SkipWhile(std::string_view text, size_t i, uint16_t bits) {
  while (i < text.size() && Is(text[i], bits)) ++i;
  return i;
}

// A credential-looking value: long enough, and not a plain word such as
// "invalid_token" or "authentication" that an error message may carry.
bool LooksLikeSecret(std::string_view value, size_t min_size) {
  if (value.size() < min_size) return false;
  bool digit = false, lower = false, upper = false;
  for (char c : value) {
    digit |= IsDigit(c);
    lower |= c >= 'a' && c <= 'z';
    upper |= c >= 'A' && c <= 'Z';
  }
  return digit || (lower && upper) || value.size() >= 32;
}

// ---- Numbers: phone numbers, SSNs, card numbers ----------------------------

constexpr int kMaxGroups = 8;   // no layout we accept has more
constexpr int kMaxDigits = 20;  // enough for the longest card (19)

// A run of digit groups joined by single separators (space, '-', '.'), with
// an optional leading '+' and parentheses around the first or second group:
// the shapes phone, SSN and card numbers are written in.
struct NumberRun {
  size_t end = 0;
  size_t retry = kNone;  // the group after the first space: where to look again
  bool plus = false;
  bool first_in_parens = false;
  bool other_parens = false;
  bool too_long = false;
  int digits = 0;
  int groups = 0;
  std::array<uint8_t, kMaxGroups> lens{};
  std::array<char, kMaxGroups> seps{};  // separator before each group; 0 for none
  std::array<char, kMaxDigits> d{};     // the first kMaxDigits digits
};

// End of the digit group at `i` (digits, or "(" 1-4 digits ")"), or kNone.
size_t GroupEnd(std::string_view text, size_t i, bool allow_parens, bool* parens) {
  *parens = false;
  if (i >= text.size()) return kNone;
  if (IsDigit(text[i])) return SkipWhile(text, i, kDigitBit);
  if (!allow_parens || text[i] != '(') return kNone;
  size_t j = SkipWhile(text, i + 1, kDigitBit);
  if (j == i + 1 || j - i - 1 > 4 || j >= text.size() || text[j] != ')') return kNone;
  *parens = true;
  return j + 1;
}

void AddGroup(std::string_view text, size_t begin, size_t end, char sep, bool parens,
              NumberRun* run) {
  if (parens) {
    ++begin;
    --end;
    (run->groups == 0 ? run->first_in_parens : run->other_parens) = true;
  }
  run->lens[run->groups] = static_cast<uint8_t>(std::min<size_t>(end - begin, 255));
  run->seps[run->groups] = sep;
  ++run->groups;
  for (size_t k = begin; k < end; ++k, ++run->digits) {
    if (run->digits < kMaxDigits) run->d[run->digits] = text[k];
  }
}

NumberRun ReadNumberRun(std::string_view text, size_t i) {
  NumberRun run;
  if (text[i] == '+') {
    run.plus = true;
    ++i;
  }
  char sep = 0;
  for (;;) {
    bool parens = false;
    size_t end = GroupEnd(text, i, run.groups <= 1, &parens);
    if (end == kNone) break;  // a separator not followed by a group is not part of the run
    if (run.groups == kMaxGroups) {
      run.too_long = true;
      break;
    }
    if (sep == ' ' && run.retry == kNone) run.retry = i;
    AddGroup(text, i, end, sep, parens, &run);
    run.end = end;
    i = end;
    sep = 0;
    if (i < text.size() && (text[i] == ' ' || text[i] == '-' || text[i] == '.')) {
      sep = text[i++];
    } else if (!parens) {
      break;  // "(555)123-4567": only a closing parenthesis may touch the next group
    }
  }
  return run;
}

// Part of a larger token: "gen-1733325038", "v1.2", "#4111...", "$12.50".
bool GluedBefore(std::string_view text, size_t begin) {
  if (begin == 0) return false;
  char p = text[begin - 1];
  if (IsWord(p) || p == '#' || p == '$' || p == '+' || p == '@') return true;
  bool joiner = p == '.' || p == '-' || p == '/' || p == ',' || p == '\\';
  return joiner && begin >= 2 && IsAlnum(text[begin - 2]);
}

// "2026-12-04T...", "2026-12-04 15:10", "555-1234x", "1,234".
bool GluedAfter(std::string_view text, size_t end) {
  if (end >= text.size()) return false;
  char q = text[end];
  if (IsWord(q) || q == '@') return true;
  bool joiner = q == '.' || q == '-' || q == '/' || q == ':' || q == ',';
  return joiner && end + 1 < text.size() && IsAlnum(text[end + 1]);
}

bool SameSeparators(const NumberRun& r, int from_group) {
  for (int g = from_group + 1; g < r.groups; ++g) {
    if (r.seps[g] != r.seps[from_group]) return false;
  }
  return true;
}

bool Lens(const NumberRun& r, std::initializer_list<int> lens) {
  if (r.groups != static_cast<int>(lens.size())) return false;
  int g = 0;
  for (int len : lens) {
    if (r.lens[g++] != len) return false;
  }
  return true;
}

// US SSN, without the ranges that are never issued: area 000, 666 and
// 900-999, group 00, serial 0000.
bool IsSsn(const NumberRun& r) {
  if (!Lens(r, {3, 2, 4}) || !SameSeparators(r, 1)) return false;
  if (r.seps[1] != '-' && r.seps[1] != ' ') return false;
  std::string_view d(r.d.data(), 9);
  std::string_view area = d.substr(0, 3);
  return area != "000" && area != "666" && d[0] != '9' && d.substr(3, 2) != "00" &&
         d.substr(5, 4) != "0000";
}

bool LuhnValid(const NumberRun& r) {
  int sum = 0;
  for (int k = 0; k < r.digits; ++k) {
    int v = r.d[r.digits - 1 - k] - '0';
    if (k % 2 == 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
    sum += v;
  }
  return sum % 10 == 0;
}

// 13-19 digits, issued ranges start with 2-6 (Mastercard 2-series, Amex 3,
// Visa 4, Mastercard 5, Discover 6), written in one piece or in groups of
// 4 (4-6-5 for Amex), and a valid Luhn check digit.
bool IsCard(const NumberRun& r) {
  if (r.digits < 13 || r.digits > 19 || r.d[0] < '2' || r.d[0] > '6') return false;
  if (r.first_in_parens || r.other_parens) return false;
  if (r.groups > 1) {
    if (r.lens[0] != 4) return false;
    for (int g = 1; g < r.groups; ++g) {
      if (r.seps[g] == '.' || r.lens[g] < 3 || r.lens[g] > 6) return false;
    }
  }
  return LuhnValid(r);
}

bool IsDottedQuad(const NumberRun& r) {
  if (r.groups != 4 || !SameSeparators(r, 1) || r.seps[1] != '.') return false;
  for (int g = 0; g < 4; ++g) {
    if (r.lens[g] > 3) return false;
  }
  return true;
}

// "0049 30 12345678": the international prefix most of the world dials
// instead of '+', then a country code and at most 15 digits.
bool IsDoubleZeroInternational(const NumberRun& r) {
  return r.groups >= 2 && r.digits >= 10 && r.digits <= 17 && r.d[0] == '0' && r.d[1] == '0' &&
         r.d[2] != '0';
}

// A trunk-prefixed national number ("020 7946 0958", "06 12 34 56 78",
// "030 12345678"): groups of 2-5 digits, the last up to 8.
bool IsTrunkLayout(const NumberRun& r) {
  if (r.d[0] != '0' || r.groups < 2) return false;
  for (int g = 0; g < r.groups; ++g) {
    int max = g + 1 == r.groups ? 8 : 5;
    if (r.lens[g] < 2 || r.lens[g] > max) return false;
  }
  return true;
}

bool IsNationalPhone(const NumberRun& r) {
  if (r.other_parens) return false;
  if (IsDoubleZeroInternational(r)) return true;
  if (r.digits < 9 || r.digits > 12) return false;
  if (r.first_in_parens) return r.lens[0] >= 2 && r.groups >= 2;  // "(555) 123-4567"
  if (!SameSeparators(r, 1) || IsDottedQuad(r) || Lens(r, {3, 2, 4})) return false;
  if (IsTrunkLayout(r)) return true;
  if (Lens(r, {3, 3, 4})) return r.d[0] >= '2';   // North American 555-123-4567
  return Lens(r, {1, 3, 3, 4}) && r.d[0] == '1';  // 1-800-555-0199
}

std::optional<Kind> ClassifyNumber(const NumberRun& r) {
  if (r.too_long) return std::nullopt;
  if (r.plus) {
    if (r.d[0] == '0' || r.digits < 8 || r.digits > 15) return std::nullopt;
    return Kind::kPhone;  // E.164: a country code and at most 15 digits
  }
  if (IsSsn(r)) return Kind::kSsn;
  if (IsCard(r)) return Kind::kCard;
  if (IsNationalPhone(r)) return Kind::kPhone;
  return std::nullopt;
}

// A number starting at `i`, or nullopt with *resume set past what was read.
std::optional<Match> MatchNumber(std::string_view text, size_t i, size_t* resume) {
  *resume = i + 1;
  char c = text[i];
  if (c == '+' && (i + 1 >= text.size() || !IsDigit(text[i + 1]))) return std::nullopt;
  if (c == '(' && (i + 1 >= text.size() || !IsDigit(text[i + 1]))) return std::nullopt;
  if (GluedBefore(text, i)) return std::nullopt;
  if (IsDigit(c)) {
    // Most numbers in logs ("429", "2s", "15:10") are one short group: too
    // short for a card, and only a card is written in one group.
    size_t end = SkipWhile(text, i, kDigitBit);
    bool more = end < text.size() && (text[end] == ' ' || text[end] == '-' || text[end] == '.');
    if (!more && end - i < 13) {
      *resume = end;
      return std::nullopt;
    }
  }
  NumberRun run = ReadNumberRun(text, i);
  if (run.groups == 0) return std::nullopt;
  if (!GluedAfter(text, run.end)) {
    if (std::optional<Kind> kind = ClassifyNumber(run)) return Match{i, run.end, *kind};
  }
  // "2026-12-04 555-123-4567": the whole is no number, what follows a space may be.
  *resume = run.retry != kNone ? run.retry : run.end;
  return std::nullopt;
}

// ---- E-mail addresses --------------------------------------------------------

// local@domain.tld around the '@' at `at`; the local part starts no earlier
// than `floor`.
std::optional<Match> MatchEmail(std::string_view text, size_t at, size_t floor) {
  size_t begin = at;
  while (begin > floor && at - begin < 64 && Is(text[begin - 1], kEmailLocalBit)) --begin;
  while (begin < at && text[begin] == '.') ++begin;
  if (begin == at) return std::nullopt;

  size_t end = at + 1, labels = 0, last_label = 0;
  for (size_t i = at + 1; i < text.size() && i - at <= 253;) {
    if (!IsAlnum(text[i])) break;
    size_t label_end = SkipWhile(text, i, kDomainBit);
    ++labels;
    last_label = i;
    end = label_end;
    if (label_end + 1 >= text.size() || text[label_end] != '.' || !IsAlnum(text[label_end + 1])) {
      break;
    }
    i = label_end + 1;
  }
  if (labels < 2 || end - last_label < 2) return std::nullopt;
  for (size_t i = last_label; i < end; ++i) {
    if (!IsAlpha(text[i])) return std::nullopt;  // a TLD is letters: "x@1.2" is no address
  }
  return Match{begin, end, Kind::kEmail};
}

// ---- Vendor key formats and bearer tokens -------------------------------------

// `prefix` at `i`, then a body of `min_body` (up to `max_body`, 0: any)
// characters accepted by `body`, ending at a word boundary.
std::optional<Match> PrefixedKey(std::string_view text, size_t i, std::string_view prefix,
                                 size_t min_body, size_t max_body, uint16_t body,
                                 Kind kind = Kind::kApiKey) {
  if (!StartsWith(text, i, prefix)) return std::nullopt;
  size_t body_begin = i + prefix.size();
  size_t end = SkipWhile(text, body_begin, body);
  size_t size = end - body_begin;
  if (size < min_body || (max_body != 0 && size > max_body)) return std::nullopt;
  if (end < text.size() && IsWord(text[end])) return std::nullopt;
  return Match{i, end, kind};
}

// header.payload[.signature], each part base64url; both of the first two
// begin "eyJ" ('{"' encoded).
std::optional<Match> MatchJwt(std::string_view text, size_t i) {
  if (!StartsWith(text, i, "eyJ")) return std::nullopt;
  size_t dot = SkipWhile(text, i, kKeyBit);
  if (dot - i < 10 || dot >= text.size() || text[dot] != '.') return std::nullopt;
  size_t end = SkipWhile(text, dot + 1, kKeyBit);
  if (end - dot - 1 < 10) return std::nullopt;
  if (end + 1 < text.size() && text[end] == '.' && IsKeyChar(text[end + 1])) {
    end = SkipWhile(text, end + 1, kKeyBit);
  }
  return Match{i, end, Kind::kToken};
}

// "Bearer <token>": the token goes, the word stays.
std::optional<Match> MatchBearer(std::string_view text, size_t i) {
  if (!StartsWithNoCase(text, i, "bearer")) return std::nullopt;
  size_t begin = i + 6;
  if (begin >= text.size() || text[begin] != ' ') return std::nullopt;
  while (begin < text.size() && text[begin] == ' ') ++begin;
  size_t end = SkipWhile(text, begin, kToken68Bit);
  if (!LooksLikeSecret(text.substr(begin, end - begin), 8)) return std::nullopt;
  return Match{begin, end, Kind::kToken};
}

std::optional<Match> MatchGithub(std::string_view text, size_t i) {
  if (StartsWith(text, i, "github_pat_")) {
    return PrefixedKey(text, i, "github_pat_", 20, 0, kWordBit);
  }
  if (!StartsWith(text, i, "gh") || text.size() - i < 4 || text[i + 3] != '_') return std::nullopt;
  char type = text[i + 2];  // personal, OAuth, user-to-server, server-to-server, refresh
  if (type != 'p' && type != 'o' && type != 'u' && type != 's' && type != 'r') return std::nullopt;
  return PrefixedKey(text, i, text.substr(i, 4), 30, 0, kDigitBit | kAlphaBit);
}

std::optional<Match> MatchSlack(std::string_view text, size_t i) {
  if (!StartsWith(text, i, "xox") || text.size() - i < 5 || text[i + 4] != '-') {
    return std::nullopt;
  }
  char type = text[i + 3];
  if (type != 'a' && type != 'b' && type != 'p' && type != 'o' && type != 'r' && type != 's') {
    return std::nullopt;
  }
  return PrefixedKey(text, i, text.substr(i, 5), 10, 0, kKeyBit);
}

std::optional<Match> MatchStripe(std::string_view text, size_t i) {
  if (!StartsWith(text, i + 1, "k_")) return std::nullopt;
  for (std::string_view prefix : {"sk_live_", "sk_test_", "rk_live_", "rk_test_"}) {
    if (StartsWith(text, i, prefix)) {
      return PrefixedKey(text, i, prefix, 16, 0, kDigitBit | kAlphaBit);
    }
  }
  return std::nullopt;
}

std::optional<Match> MatchAtWordStart(std::string_view text, size_t i) {
  switch (text[i]) {
    case 's':  // OpenRouter sk-or-v1-, OpenAI sk-/sk-proj-, Anthropic sk-ant-
      if (StartsWith(text, i, "sk-")) return PrefixedKey(text, i, "sk-", 20, 0, kKeyBit);
      return MatchStripe(text, i);
    case 'r':
      return MatchStripe(text, i);
    case 'A':  // AWS access key ids (long-term AKIA, temporary ASIA); Google AIza
      if (StartsWith(text, i, "AIza")) return PrefixedKey(text, i, "AIza", 30, 0, kKeyBit);
      if (StartsWith(text, i, "ASIA")) {
        return PrefixedKey(text, i, "ASIA", 16, 16, kUpperBit | kDigitBit);
      }
      return PrefixedKey(text, i, "AKIA", 16, 16, kUpperBit | kDigitBit);
    case 'g':
      return MatchGithub(text, i);
    case 'x':
      return MatchSlack(text, i);
    case 'h':  // Hugging Face
      return PrefixedKey(text, i, "hf_", 30, 0, kDigitBit | kAlphaBit);
    case 'e':
      return MatchJwt(text, i);
    case 'B':
    case 'b':
      return MatchBearer(text, i);
    default:
      return std::nullopt;
  }
}

// ---- Labelled values: key=..., "token": "...", Authorization: ... -------------

enum class Label { kNone, kAuthorization, kPassword, kSecret, kToken, kKey };

Label ClassifyLabel(std::string_view name) {
  if (EndsWithNoCase(name, "authorization")) return Label::kAuthorization;
  for (std::string_view word : {"password", "passwd", "passphrase", "pwd"}) {
    if (EndsWithNoCase(name, word)) return Label::kPassword;
  }
  if (EndsWithNoCase(name, "secret")) return Label::kSecret;
  if (EndsWithNoCase(name, "token")) return Label::kToken;
  if (EndsWithNoCase(name, "key")) return Label::kKey;
  return Label::kNone;
}

Kind LabelKind(Label label) {
  switch (label) {
    case Label::kKey:
      return Kind::kApiKey;
    case Label::kPassword:
    case Label::kSecret:
      return Kind::kSecret;
    default:
      return Kind::kToken;
  }
}

// The name before the '=' or ':' at `at` ("api_key", "\"x-auth-token\" ").
std::string_view LabelBefore(std::string_view text, size_t at, size_t floor) {
  size_t end = at;
  if (end > floor && text[end - 1] == ' ') --end;
  if (end > floor && (text[end - 1] == '"' || text[end - 1] == '\'')) --end;
  size_t begin = end;
  while (begin > floor && end - begin < 64 && IsKeyChar(text[begin - 1])) --begin;
  return text.substr(begin, end - begin);
}

bool IsAuthScheme(std::string_view word) {
  for (std::string_view scheme : {"bearer", "basic", "token", "digest", "apikey", "negotiate"}) {
    if (word.size() == scheme.size() && StartsWithNoCase(word, 0, scheme)) return true;
  }
  return false;
}

// "Authorization: Bearer abc..." keeps the scheme; a bare credential goes
// whole when it looks like one ("authorization: failed" stays).
std::optional<Match> AuthorizationValue(std::string_view text, size_t begin) {
  size_t word_end = SkipWhile(text, begin, kAlphaBit);
  if (word_end < text.size() && text[word_end] == ' ' &&
      IsAuthScheme(text.substr(begin, word_end - begin))) {
    size_t cred = word_end;
    while (cred < text.size() && text[cred] == ' ') ++cred;
    size_t end = SkipWhile(text, cred, kToken68Bit);
    if (end == cred) return std::nullopt;
    return Match{cred, end, Kind::kToken};
  }
  size_t end = SkipWhile(text, begin, kToken68Bit);
  if (!LooksLikeSecret(text.substr(begin, end - begin), 8)) return std::nullopt;
  return Match{begin, end, Kind::kToken};
}

// The value after "name=" or "name:" when the name says it is a credential.
std::optional<Match> MatchLabelledValue(std::string_view text, size_t at, size_t floor) {
  std::string_view name = LabelBefore(text, at, floor);
  if (name.empty()) return std::nullopt;
  Label label = ClassifyLabel(name);
  if (label == Label::kNone) return std::nullopt;

  size_t begin = at + 1;
  if (begin < text.size() && text[begin] == ' ') ++begin;
  if (begin < text.size() && (text[begin] == '"' || text[begin] == '\'')) ++begin;
  if (label == Label::kAuthorization) return AuthorizationValue(text, begin);
  if (label == Label::kPassword) {
    // A value redacted before stays as it is, so redacting twice changes nothing.
    if (StartsWith(text, begin, RedactionLabel(Kind::kSecret))) return std::nullopt;
    size_t end = SkipWhile(text, begin, kPasswordBit);
    if (end == begin) return std::nullopt;
    return Match{begin, end, Kind::kSecret};
  }
  size_t end = SkipWhile(text, begin, kToken68Bit);
  if (!LooksLikeSecret(text.substr(begin, end - begin), 16)) return std::nullopt;
  return Match{begin, end, LabelKind(label)};
}

// ---- The scan ------------------------------------------------------------------

enum Trigger : uint8_t { kNothing, kWord, kWordTrigger, kDigit, kNumberStart, kAt, kAssign };

// What a byte may begin. Letters, digits and '_' make words; inside a word
// nothing begins, so the scan skips words whole.
constexpr std::array<uint8_t, 256> MakeTriggers() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kWord;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kWord;
  t['_'] = kWord;
  for (char c : std::string_view("srAgxheBb")) t[static_cast<uint8_t>(c)] = kWordTrigger;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  t['+'] = kNumberStart;
  t['('] = kNumberStart;
  t['@'] = kAt;
  t['='] = kAssign;
  t[':'] = kAssign;
  return t;
}

constexpr std::array<uint8_t, 256> kTriggers = MakeTriggers();

}  // namespace

std::string_view RedactionLabel(RedactionKind kind) {
  switch (kind) {
    case Kind::kEmail:
      return "[email]";
    case Kind::kPhone:
      return "[phone]";
    case Kind::kSsn:
      return "[ssn]";
    case Kind::kCard:
      return "[card]";
    case Kind::kApiKey:
      return "[api_key]";
    case Kind::kToken:
      return "[token]";
    case Kind::kSecret:
      return "[secret]";
  }
  return "[redacted]";
}

// Most bytes begin nothing or sit inside a word, so the common case is one
// table load per byte; each scanner runs only where its kind of match could
// begin.
std::optional<RedactionMatch> FindRedaction(std::string_view text, size_t from) {
  for (size_t i = from; i < text.size(); ++i) {
    uint8_t trigger = kTriggers[static_cast<uint8_t>(text[i])];
    if (trigger == kNothing) continue;
    auto word_start = [&] { return i == 0 || !IsWord(text[i - 1]); };
    std::optional<Match> match;
    size_t resume = i + 1;
    switch (trigger) {
      case kWordTrigger:
        if (word_start()) match = MatchAtWordStart(text, i);
        [[fallthrough]];
      case kWord:
        resume = SkipWhile(text, i, kWordBit);
        break;
      case kDigit:
        if (!word_start()) {
          resume = SkipWhile(text, i, kWordBit);
          break;
        }
        [[fallthrough]];
      case kNumberStart:
        match = MatchNumber(text, i, &resume);
        break;
      case kAt:
        match = MatchEmail(text, i, from);
        break;
      case kAssign:
        match = MatchLabelledValue(text, i, from);
        break;
    }
    if (match) return match;
    i = resume - 1;
  }
  return std::nullopt;
}

bool Redact(std::string_view text, std::string* out) {
  std::optional<Match> match = FindRedaction(text);
  if (!match) return false;
  std::string result;
  result.reserve(text.size());
  size_t pos = 0;
  for (; match; match = FindRedaction(text, pos)) {
    result.append(text.substr(pos, match->begin - pos));
    result.append(RedactionLabel(match->kind));
    pos = match->end;
  }
  result.append(text.substr(pos));
  *out = std::move(result);
  return true;
}

std::string Redacted(std::string_view text) {
  std::string out;
  if (!Redact(text, &out)) out = text;
  return out;
}

bool RedactInPlace(std::string* text) { return Redact(*text, text); }

bool RedactNamedValue(std::string_view name, std::string* value) {
  Label label = ClassifyLabel(name);
  bool whole = false;
  if (label == Label::kPassword || label == Label::kAuthorization) {
    whole = !value->empty();
  } else if (label != Label::kNone) {
    whole = LooksLikeSecret(*value, 16) && value->find(' ') == std::string::npos;
  }
  if (whole) {
    *value = RedactionLabel(LabelKind(label));
    return true;
  }
  return RedactInPlace(value);
}

}  // namespace orauditd
