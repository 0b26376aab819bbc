// Helpers for queue_bench: records shaped like the ones intake stores,
// written straight into a DurableQueue in intake-sized batches, and a drain
// that finishes them the way the pipeline does.
//
// One thread.
#pragma once

#include <cstdint>
#include <string>

#include "common/generation.h"
#include "common/status.h"
#include "queue/durable_queue.h"

namespace orauditd::bench {

// Record number `n`, due at `due_ms`: a resolved-looking success call with
// a generation id, a model, a user and a prompt hash (about 400 bytes).
QueuedRecord BenchRecord(uint64_t n, int64_t now_ms, int64_t due_ms);

// The answer the generation endpoint gives for `generation_id`: the fields
// the row takes, and a data object of about 1.35 KB with the fields the fake
// OpenRouter sends, and of the same size.
Generation BenchGeneration(const std::string& generation_id);

// Enqueues records first..first+count-1 in synced batches of 1000.
Status FillQueue(DurableQueue* queue, uint64_t first, uint64_t count, int64_t now_ms,
                 int64_t due_ms);

// Takes and finalizes everything due at `now_ms`, 512 at a time, as
// resolved rows with BenchGeneration's answer; returns the number of rows
// made.
StatusOr<uint64_t> DrainQueue(DurableQueue* queue, int64_t now_ms);

// Bytes under `dir`, recursively.
uint64_t DiskBytes(const std::string& dir);

}  // namespace orauditd::bench
