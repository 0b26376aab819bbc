// File helpers for the JSON lines tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace orauditd::fixtures {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline void AppendFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << content;
}

inline std::vector<std::string> Lines(const std::string& content) {
  std::vector<std::string> lines;
  std::stringstream in(content);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace orauditd::fixtures
