// orauditctl verify (--db F | --jsonl F... | --jsonl DIR): checks a hash
// chain and names the first row that does not hold. Exit 0 when intact, 1
// when not (or when the files cannot be read), 2 on a usage error.
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "storage/jsonl_files.h"
#include "storage/verify.h"
#include "tools/commands.h"

namespace orauditd::tools {
namespace {

constexpr char kUsage[] =
    "usage: orauditctl verify --db FILE\n"
    "       orauditctl verify --jsonl FILE...   (rotated files in any order)\n"
    "       orauditctl verify --jsonl FOLDER    (its *.jsonl file and rotated ones)\n";

int Usage(const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "orauditctl verify: %s\n", problem.c_str());
  std::fputs(kUsage, stderr);
  return 2;
}

// A folder stands for the files of its chain, so that thousands of rotated
// files need no shell glob (whose argument list can be too long).
StatusOr<std::vector<std::string>> ExpandFolders(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      files.push_back(path);  // a missing file is reported when it is opened
      continue;
    }
    StatusOr<std::vector<std::string>> chain = JsonlChainInFolder(path);
    if (!chain.ok()) return chain.status();
    files.insert(files.end(), chain->begin(), chain->end());
  }
  return files;
}

}  // namespace

int RunVerify(const Args& args) {
  std::string db;
  std::vector<std::string> jsonl;
  bool in_jsonl = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--db" || arg.rfind("--db=", 0) == 0) {
      in_jsonl = false;
      if (arg == "--db" && i + 1 >= args.size()) return Usage("--db needs a file");
      if (!db.empty()) return Usage("--db given twice");
      db = arg == "--db" ? args[++i] : arg.substr(5);
    } else if (arg == "--jsonl") {
      in_jsonl = true;
    } else if (arg.rfind("--jsonl=", 0) == 0) {
      in_jsonl = true;
      jsonl.push_back(arg.substr(8));
    } else if (in_jsonl && arg.rfind("--", 0) != 0) {
      jsonl.push_back(arg);
    } else {
      return Usage("unexpected argument '" + arg + "'");
    }
  }
  if (db.empty() == jsonl.empty()) return Usage("give either --db or --jsonl with files");
  StatusOr<std::vector<std::string>> files = ExpandFolders(jsonl);
  if (!files.ok()) {
    std::fprintf(stderr, "orauditctl verify: %s\n", files.status().message().c_str());
    return 1;
  }
  jsonl = std::move(*files);

  StatusOr<VerifyResult> result = db.empty() ? VerifyJsonl(jsonl) : VerifyDatabase(db);
  if (!result.ok()) {
    std::fprintf(stderr, "orauditctl verify: %s\n", result.status().message().c_str());
    return 1;
  }
  if (!result->ok) {
    std::printf("FAILED at %s\n", result->first_bad.c_str());
    if (result->rows > 0) {
      std::printf("%lld %s before it %s (seq %lld..%lld)\n", static_cast<long long>(result->rows),
                  result->rows == 1 ? "row" : "rows", result->rows == 1 ? "holds" : "hold",
                  static_cast<long long>(result->first_seq),
                  static_cast<long long>(result->last_seq));
    }
    std::fflush(stdout);
    return 1;
  }
  std::printf("ok: %lld rows, chain intact\n", static_cast<long long>(result->rows));
  if (result->rows > 0) {
    // Recording this line elsewhere anchors the chain: rows rewritten up to
    // it would end in another hash.
    std::printf("last: seq %lld, row_hash %s\n", static_cast<long long>(result->last_seq),
                result->last_hash.c_str());
  }
  for (const std::string& note : result->notes) std::printf("note: %s\n", note.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace orauditd::tools
