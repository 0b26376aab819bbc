// A small append-only JSON text builder. It escapes strings per RFC 8259
// (and RFC 8785 for the control characters), writes doubles in the shortest
// form that reads back to the same value, and keeps track of commas.
// Not thread-safe; one writer per document.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orauditd {

// Appends `value` as a JSON string literal, quotes included.
void AppendJsonString(std::string* out, std::string_view value);

// Appends a finite double in ECMAScript Number::toString form (the form RFC
// 8785 prescribes): shortest round-trip digits, exponent only outside
// [1e-6, 1e21). Non-finite values are written as null.
void AppendJsonNumber(std::string* out, double value);

class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();

  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();
  // Inserts already-serialized JSON text as a value.
  void Raw(std::string_view json);

  // Key and value together; an empty optional writes nothing at all.
  void Field(std::string_view key, std::string_view value);
  void Field(std::string_view key, const std::string& value) {
    Field(key, std::string_view(value));
  }
  void Field(std::string_view key, const char* value) { Field(key, std::string_view(value)); }
  void Field(std::string_view key, const std::optional<std::string>& value);
  void Field(std::string_view key, const std::optional<int64_t>& value);
  void Field(std::string_view key, const std::optional<double>& value);
  void Field(std::string_view key, const std::optional<bool>& value);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  bool need_comma_ = false;
};

}  // namespace orauditd
