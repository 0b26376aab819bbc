// orauditctl report (daily-cost | error-rate | top-spenders) --db F
//   [--since T] [--until T] [--user U] [--model M] [--limit N]
//   [--format table|csv|json]
// Reads the SQLite database read-only. Exit 0, 1 when the database cannot
// be read, 2 on a usage error. With CSV or JSON, the count of duplicate_of
// rows left out goes to stderr, so that stdout stays rows only.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "storage/report.h"
#include "storage/report_format.h"
#include "tools/commands.h"

namespace orauditd::tools {
namespace {

constexpr char kUsage[] =
    "usage: orauditctl report (daily-cost | error-rate | top-spenders) --db FILE\n"
    "         [--since T] [--until T] [--user U] [--model M] [--limit N]\n"
    "         [--format table|csv|json]\n"
    "  T is a date (2026-12-04, UTC), an RFC 3339 time or an age (90m, 24h, 7d);\n"
    "  --since is inclusive, --until exclusive; --limit applies to top-spenders (10).\n"
    "  --model M keeps calls whose model_used or model_requested is M; rows are\n"
    "  grouped by model_used, or model_requested when model_used is unknown.\n"
    "  Rows with duplicate_of set repeat a call already counted and are left out.\n";

int Usage(const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "orauditctl report: %s\n", problem.c_str());
  std::fputs(kUsage, stderr);
  return 2;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Options {
  ReportKind kind = ReportKind::kDailyCost;
  std::string db;
  ReportFilter filter;
  ReportFormat format = ReportFormat::kTable;
};

// Fills `options`; returns an empty string or what is wrong.
std::string ParseOptions(const Args& args, Options* options) {
  bool have_kind = false;
  int64_t now_ms = NowMs();
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool is_flag = arg.rfind("--", 0) == 0;
    if (is_flag) {
      size_t eq = arg.find('=');
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg.resize(eq);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return arg + " needs a value";
      }
    }

    if (!is_flag) {
      if (have_kind) return "unexpected argument '" + arg + "'";
      if (!ParseReportKind(arg, &options->kind)) return "unknown report '" + arg + "'";
      have_kind = true;
    } else if (arg == "--db") {
      options->db = value;
    } else if (arg == "--since" || arg == "--until") {
      StatusOr<int64_t> ms = ParseReportTime(value, now_ms);
      if (!ms.ok()) return arg + ": " + ms.status().message();
      (arg == "--since" ? options->filter.since_ms : options->filter.until_ms) = *ms;
    } else if (arg == "--user") {
      options->filter.user = value;
    } else if (arg == "--model") {
      options->filter.model = value;
    } else if (arg == "--limit") {
      char* end = nullptr;
      long long limit = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || limit <= 0) return "--limit needs a positive number";
      options->filter.limit = limit;
    } else if (arg == "--format") {
      if (!ParseReportFormat(value, &options->format)) return "unknown format '" + value + "'";
    } else {
      return "unknown option " + arg;
    }
  }
  if (!have_kind) return "which report? daily-cost, error-rate or top-spenders";
  if (options->db.empty()) return "--db is required";
  return "";
}

}  // namespace

int RunReport(const Args& args) {
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  Options options;
  std::string problem = ParseOptions(args, &options);
  if (!problem.empty()) return Usage(problem);

  StatusOr<ReportTable> table = RunAuditReport(options.db, options.kind, options.filter);
  if (!table.ok()) {
    std::fprintf(stderr, "orauditctl report: %s\n", table.status().message().c_str());
    return 1;
  }
  std::string out = FormatReport(*table, options.format);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
  // The table carries the note itself; CSV and JSON hold rows only.
  std::string note = DuplicatesNote(table->duplicates_left_out);
  if (options.format != ReportFormat::kTable && !note.empty()) {
    std::fprintf(stderr, "orauditctl report: %s\n", note.c_str());
  }
  return 0;
}

}  // namespace orauditd::tools
