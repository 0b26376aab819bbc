// The parts of start-up that the daemon and `orauditd replay` share: turning
// a Config into open sinks, a prompt hash secret and the retry and pipeline
// settings, so that a replay runs exactly the pipeline the daemon runs.
//
// Any thread; blocking file I/O.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "daemon/config.h"
#include "daemon/pipeline.h"
#include "queue/retry_policy.h"
#include "storage/sink.h"

namespace orauditd {

// Opens every configured sink, creating the folders above their files.
StatusOr<std::vector<std::unique_ptr<Sink>>> OpenSinks(const Config& config);

// The secret in privacy.hash_secret_file without its line end; empty when
// no file is configured.
StatusOr<std::string> ReadHashSecret(const std::string& path);

RetryConfig RetryConfigFrom(const Config& config);
PipelineOptions PipelineOptionsFrom(const Config& config);

}  // namespace orauditd
