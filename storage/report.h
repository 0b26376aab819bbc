// The canned reports of `orauditctl report` over the SQLite audit_log:
//
//   daily-cost    per UTC day and model: calls, tokens, cost
//   error-rate    per model: calls, errors, timeouts, cancelled, error rate
//   top-spenders  per user, by cost, highest first
//
// Costs are SUM(total_cost), OpenRouter's authoritative charge; rows whose
// cost is unknown (NULL) are counted in `cost_unknown`, never taken as 0.
// A row with `duplicate_of` set names a generation that an earlier row
// already holds: it is neither a second call nor a second charge, so every
// report leaves it out and only counts how many it left out.
// Rows are grouped by the model that served the call, or, when none is
// known (a call that failed before a generation was resolved), the model
// the app asked for. A model filter matches either, so that the alias an
// app asked for ("openai/gpt-4o") selects the calls that the dated version
// ("openai/gpt-4o-2024-08-06") served.
// The database is opened read-only. Any thread; each call is independent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace orauditd {

enum class ReportKind { kDailyCost, kErrorRate, kTopSpenders };

// "daily-cost" -> kDailyCost, etc. False for an unknown name.
bool ParseReportKind(std::string_view name, ReportKind* kind);

struct ReportFilter {
  std::optional<int64_t> since_ms;   // timestamp >= since
  std::optional<int64_t> until_ms;   // timestamp < until
  std::optional<std::string> user;   // user_id =
  std::optional<std::string> model;  // model_used = or model_requested =
  int64_t limit = 10;                // rows of top-spenders
};

// A NULL, an integer, a real or a text value, as SQLite returned it.
using ReportCell = std::variant<std::monostate, int64_t, double, std::string>;

struct ReportTable {
  std::vector<std::string> columns;
  std::vector<std::vector<ReportCell>> rows;
  // Rows that passed the filter but were left out for having `duplicate_of`.
  int64_t duplicates_left_out = 0;
};

StatusOr<ReportTable> RunAuditReport(const std::string& db_path, ReportKind kind,
                                     const ReportFilter& filter);

// Reads a --since/--until value: an RFC 3339 date-time, a UTC date
// ("2026-12-04" is its midnight), the stored form "2026-12-04 15:10:38.123"
// (UTC), or an age such as "90m", "24h", "7d", "2w" (that long before
// `now_ms`).
StatusOr<int64_t> ParseReportTime(std::string_view text, int64_t now_ms);

}  // namespace orauditd
