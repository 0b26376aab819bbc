#include "storage/report_format.h"

#include <algorithm>
#include <cstdio>

#include "common/json_writer.h"

namespace orauditd {
namespace {

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
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10f", std::get<double>(cell));
  std::string text(buf);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::string MachineText(const ReportCell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "";
  if (const auto* i = std::get_if<int64_t>(&cell)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  std::string text;
  AppendJsonNumber(&text, std::get<double>(cell));
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
        w.Double(*d);
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
