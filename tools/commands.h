// The subcommands of orauditctl. Each takes the arguments after its own
// name and returns the process exit code: 0 success, 1 a check failed,
// 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace orauditd::tools {

using Args = std::vector<std::string>;

int RunSubmit(const Args& args);
int RunReplay(const Args& args);
int RunStatus(const Args& args);
int RunVerify(const Args& args);
int RunReport(const Args& args);

}  // namespace orauditd::tools
