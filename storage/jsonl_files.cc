#include "storage/jsonl_files.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <string_view>

#include "storage/file_util.h"
#include "storage/row_json.h"

namespace orauditd {
namespace {

constexpr size_t kChunk = 64 * 1024;
constexpr int kSeqDigits = 12;

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

// 42 for "000000000042"; -1 for anything else.
int64_t ParseSeqSuffix(std::string_view suffix) {
  if (suffix.size() != kSeqDigits) return -1;
  int64_t seq = 0;
  for (char c : suffix) {
    if (c < '0' || c > '9') return -1;
    seq = seq * 10 + (c - '0');
  }
  return seq;
}

}  // namespace

std::string RotatedJsonlName(const std::string& path, int64_t first_seq) {
  char digits[32];
  std::snprintf(digits, sizeof digits, ".%0*lld", kSeqDigits, static_cast<long long>(first_seq));
  return path + digits;
}

StatusOr<std::vector<std::pair<int64_t, std::string>>> ListRotatedJsonl(const std::string& path) {
  // Entries are returned with the folder part of `path` in front.
  size_t slash = path.find_last_of('/');
  std::string dir = DirName(path);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string prefix = slash == std::string::npos ? "" : path.substr(0, slash + 1);

  std::unique_ptr<DIR, DirCloser> handle(opendir(dir.c_str()));
  if (!handle) return PosixError("opendir", dir, errno);
  std::vector<std::pair<int64_t, std::string>> found;
  errno = 0;
  while (dirent* entry = readdir(handle.get())) {
    std::string_view name(entry->d_name);
    if (name.size() != base.size() + 1 + kSeqDigits || name.substr(0, base.size()) != base ||
        name[base.size()] != '.') {
      continue;
    }
    int64_t seq = ParseSeqSuffix(name.substr(base.size() + 1));
    if (seq >= 0) found.emplace_back(seq, prefix + std::string(name));
  }
  if (errno != 0) return PosixError("readdir", dir, errno);
  std::sort(found.begin(), found.end());
  return found;
}

StatusOr<std::vector<std::string>> JsonlChainInFolder(const std::string& dir) {
  constexpr std::string_view kExtension = ".jsonl";
  std::unique_ptr<DIR, DirCloser> handle(opendir(dir.c_str()));
  if (!handle) return PosixError("opendir", dir, errno);
  std::vector<std::string> bases;
  errno = 0;
  while (dirent* entry = readdir(handle.get())) {
    std::string_view name(entry->d_name);
    // "audit.jsonl", or "audit.jsonl.000000000042" whose current file may be gone.
    if (name.size() > kSeqDigits + 1 &&
        ParseSeqSuffix(name.substr(name.size() - kSeqDigits)) >= 0 &&
        name[name.size() - kSeqDigits - 1] == '.') {
      name.remove_suffix(kSeqDigits + 1);
    }
    if (name.size() <= kExtension.size() || !name.ends_with(kExtension)) continue;
    if (std::find(bases.begin(), bases.end(), name) == bases.end()) bases.emplace_back(name);
  }
  if (errno != 0) return PosixError("readdir", dir, errno);
  if (bases.empty()) {
    return Status::NotFound(dir + ": no *.jsonl file (nor rotated one) in this folder");
  }
  if (bases.size() > 1) {
    std::sort(bases.begin(), bases.end());
    return Status::InvalidArgument(dir + ": more than one chain here (" + bases[0] + ", " +
                                   bases[1] + "); give the files of one");
  }

  std::string current = dir + "/" + bases[0];
  auto rotated = ListRotatedJsonl(current);
  if (!rotated.ok()) return rotated.status();
  std::vector<std::string> files;
  for (const auto& [seq, file] : *rotated) files.push_back(file);
  if (access(current.c_str(), F_OK) == 0) files.push_back(current);
  return files;
}

StatusOr<std::string> ReadFirstLine(int fd, const std::string& path) {
  std::string line;
  std::string chunk;
  for (int64_t offset = 0;; offset += static_cast<int64_t>(chunk.size())) {
    Status s = ReadAt(fd, offset, kChunk, &chunk, path);
    if (!s.ok()) return s;
    size_t newline = chunk.find('\n');
    if (newline != std::string::npos) {
      line.append(chunk, 0, newline);
      return line;
    }
    if (chunk.empty()) return std::string();  // no complete line
    line.append(chunk);
  }
}

StatusOr<int64_t> EndOfLastCompleteLine(int fd, int64_t size, const std::string& path) {
  std::string chunk;
  for (int64_t end = size; end > 0;) {
    int64_t begin = std::max<int64_t>(0, end - static_cast<int64_t>(kChunk));
    Status s = ReadAt(fd, begin, static_cast<size_t>(end - begin), &chunk, path);
    if (!s.ok()) return s;
    size_t newline = chunk.find_last_of('\n');
    if (newline != std::string::npos) return begin + static_cast<int64_t>(newline) + 1;
    end = begin;
  }
  return int64_t{0};
}

StatusOr<std::string> ReadLastLine(int fd, int64_t size, const std::string& path) {
  if (size <= 1) return std::string();
  // The line starts after the '\n' that ends the line before it.
  StatusOr<int64_t> start = EndOfLastCompleteLine(fd, size - 1, path);
  if (!start.ok()) return start.status();
  std::string line;
  Status s = ReadAt(fd, *start, static_cast<size_t>(size - 1 - *start), &line, path);
  if (!s.ok()) return s;
  return line;
}

StatusOr<int64_t> SeqOfLine(const std::string& line, const std::string& path) {
  StatusOr<Row> row = RowFromJsonLine(line);
  if (!row.ok()) return Status::Corruption(path + ": " + row.status().message());
  return row->seq;
}

}  // namespace orauditd
