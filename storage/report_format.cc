#include "storage/report_format.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "common/json_writer.h"

namespace orauditd {
namespace {

// "%.10f": every digit of a value up to the largest double fits.
std::string TenDecimals(double value) {
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.10f", value);
  return buf;
}

// The reals of a report are sums of costs, and one percentage that SQL has
// already rounded to 2 decimals. Adding doubles leaves binary noise that no
// cost had (0.0068646 printed as 0.006864600000000001). Costs are prices per
// token times tokens and come with 10 decimals or fewer in practice, so
// rounding a sum to 10 decimals gives back its exact decimal value; a cost
// with more decimals is off by at most half a ten-billionth of a dollar.
// The table rounds the same way, so the formats agree. Stored costs, in the
// rows themselves, are never rounded.
double RoundedSum(double value) { return std::strtod(TenDecimals(value).c_str(), nullptr); }

std::string TableText(const ReportCell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "-";
  if (const auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&cell)) {
    // Stored text is the clients': keep its control characters (escape
    // sequences, newlines) away from the terminal and the alignment.
    std::string text = *s;
    for (char& c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    return text;
  }
  std::string text = TenDecimals(std::get<double>(cell));
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string MachineText(const ReportCell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "";
  if (const auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  std::string text;
  AppendJsonNumber(&text, RoundedSum(std::get<double>(cell)));
  return text;
}

// Terminal columns taken by UTF-8 text, counting one per code point.
size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string FormatTable(const ReportTable& table) {
  size_t n = table.columns.size();
  std::vector<size_t> width(n);
  std::vector<bool> numeric(n, true);
  std::vector<std::vector<std::string>> cells;
  for (size_t c = 0; c < n; ++c) width[c] = DisplayWidth(table.columns[c]);
  for (const auto& row : table.rows) {
    std::vector<std::string> texts;
    for (size_t c = 0; c < n; ++c) {
      texts.push_back(TableText(row[c]));
      width[c] = std::max(width[c], DisplayWidth(texts.back()));
      if (std::holds_alternative<std::string>(row[c])) numeric[c] = false;
    }
    cells.push_back(std::move(texts));
  }

  std::string out;
  auto append_line = [&](const std::vector<std::string>& texts) {
    std::string line;
    for (size_t c = 0; c < n; ++c) {
      std::string pad(width[c] - DisplayWidth(texts[c]), ' ');
      if (c > 0) line += "  ";
      line += numeric[c] ? pad + texts[c] : texts[c] + pad;
    }
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  };
  append_line(table.columns);
  std::vector<std::string> rules;
  for (size_t c = 0; c < n; ++c) rules.emplace_back(width[c], '-');
  append_line(rules);
  for (const auto& texts : cells) append_line(texts);
  if (cells.empty()) out += "(no rows)\n";
  if (table.duplicates_left_out > 0) {
    out += "(" + DuplicatesNote(table.duplicates_left_out) + ")\n";
  }
  return out;
}

void AppendCsvField(std::string* out, const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string FormatCsv(const ReportTable& table) {
  std::string out;
  auto append_record = [&](auto&& field_text) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c > 0) out.push_back(',');
      AppendCsvField(&out, field_text(c));
    }
    out += "\r\n";
  };
  append_record([&](size_t c) { return table.columns[c]; });
  for (const auto& row : table.rows) {
    append_record([&](size_t c) { return MachineText(row[c]); });
  }
  return out;
}

std::string FormatJson(const ReportTable& table) {
  JsonWriter w;
  w.BeginArray();
  for (const auto& row : table.rows) {
    w.BeginObject();
    for (size_t c = 0; c < table.columns.size(); ++c) {
      w.Key(table.columns[c]);
      const ReportCell& cell = row[c];
      if (const auto* i = std::get_if<int64_t>(&cell)) {
        w.Int(*i);
      } else if (const auto* d = std::get_if<double>(&cell)) {
        w.Double(RoundedSum(*d));
      } else if (const auto* s = std::get_if<std::string>(&cell)) {
        w.String(*s);
      } else {
        w.Null();
      }
    }
    w.EndObject();
  }
  w.EndArray();
  return w.Take() + "\n";
}

}  // namespace

bool ParseReportFormat(std::string_view name, ReportFormat* format) {
  if (name == "table") {
    *format = ReportFormat::kTable;
  } else if (name == "csv") {
    *format = ReportFormat::kCsv;
  } else if (name == "json") {
    *format = ReportFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::string DuplicatesNote(int64_t count) {
  if (count == 0) return "";
  return std::to_string(count) + (count == 1 ? " row" : " rows") +
         " naming an already counted generation (duplicate_of) left out";
}

std::string FormatReport(const ReportTable& table, ReportFormat format) {
  switch (format) {
    case ReportFormat::kTable:
      return FormatTable(table);
    case ReportFormat::kCsv:
      return FormatCsv(table);
    case ReportFormat::kJson:
      return FormatJson(table);
  }
  return "";
}

}  // namespace orauditd
