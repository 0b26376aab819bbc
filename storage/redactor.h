// Redactor: finds personal data and credentials in free text that is about
// to be stored (error_code, meta_error, metadata values and, if configured,
// user_id) and replaces each with the name of its kind, e.g. "[email]".
// docs/privacy.md lists what is caught, what is deliberately left alone, and
// why.
//
// Hand-written scanners over one pass of the text, not std::regex: this sits
// on the write path. Text with nothing to redact costs no allocation.
//
// Pure functions, any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace orauditd {

enum class RedactionKind {
  kEmail,   // local@domain.tld
  kPhone,   // +CC international, common national layouts
  kSsn,     // US social security number, 123-45-6789
  kCard,    // payment card number, Luhn-checked
  kApiKey,  // a vendor key format (sk-, AKIA, ghp_, ...) or a value after key=
  kToken,   // bearer token, Authorization credentials, JWT, a value after token=
  kSecret,  // a value after password= or secret=
};

// What replaces a match: "[email]", "[phone]", "[ssn]", "[card]",
// "[api_key]", "[token]" or "[secret]".
std::string_view RedactionLabel(RedactionKind kind);

struct RedactionMatch {
  size_t begin = 0;  // [begin, end) of `text`
  size_t end = 0;
  RedactionKind kind = RedactionKind::kEmail;
};

// The first match that begins at or after `from`.
std::optional<RedactionMatch> FindRedaction(std::string_view text, size_t from = 0);

// When `text` holds anything to redact, writes the redacted copy to `out`
// and returns true; otherwise returns false and leaves `out` alone.
bool Redact(std::string_view text, std::string* out);

// The redacted copy (tests, tools).
std::string Redacted(std::string_view text);

// Redacts `text` where it is; allocates only when something is replaced.
bool RedactInPlace(std::string* text);

// For a named value such as a metadata entry: when `name` says the value is
// a credential ("password", "api_key", "x-auth-token", ...) and the value
// looks like one, the whole value is replaced; otherwise as RedactInPlace.
bool RedactNamedValue(std::string_view name, std::string* value);

}  // namespace orauditd
