// The `data` object of a 200 answer: every field of the chosen era with
// values derived from the generation id (and --seed), so the same id always
// gets the same cost, tokens and timestamps. Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fake_openrouter/script.h"

namespace orauditd::fake {

// A field of the data object; `key` points at static text or at a script
// that outlives the body being built.
struct DataField {
  std::string_view key;
  std::string json;
};

using DataFields = std::vector<DataField>;

// The default fields of `era` for `id`, in the order OpenRouter's spec lists
// them.
DataFields DefaultDataFields(std::string_view id, uint64_t seed, Era era);

// Replaces the value of each override's key, or appends the key.
void ApplyOverrides(const std::vector<RawField>& overrides, DataFields* fields);
void SetField(std::string_view key, std::string json, DataFields* fields);
void RemoveField(std::string_view key, DataFields* fields);
const DataField* FindField(const DataFields& fields, std::string_view key);

std::string SerializeDataObject(const DataFields& fields);

// {"data":{...}}
std::string SerializeEnvelope(const DataFields& fields);

// The deterministic total_cost the default body carries for `id`.
double DefaultTotalCost(std::string_view id, uint64_t seed);

}  // namespace orauditd::fake
