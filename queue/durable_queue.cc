#include "queue/durable_queue.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>
#include <spdlog/spdlog.h>

#include "queue/rocks_options.h"
#include "storage/hash_chain.h"
#include "storage/row_json.h"

namespace orauditd {
namespace {

const char kRecordsCf[] = "records";
const char kDueCf[] = "due";
const char kDedupCf[] = "dedup";
const char kGenCf[] = "gen";
const char kRowsCf[] = "rows";
const char kParkedCf[] = "parked";
const char kNextSeqKey[] = "next_seq";
const char kLastHashKey[] = "last_hash";
// Never stored: its deletion keeps a memtable for Resume() to flush.
const char kWalSwitchKey[] = "wal_switch";
// Sorts after every due key (8 bytes of time, then an id): "nothing live".
const std::string kDueFloorEnd(9, '\xff');

Status FromRocks(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return Status::Ok();
  std::string message = std::string(context) + ": " + s.ToString();
  if (s.IsNoSpace()) return Status::ResourceExhausted(message);
  if (s.IsCorruption()) return Status::Corruption(message);
  if (s.IsIOError()) return Status::IoError(message);
  return Status::Internal(message);
}

void PutBigEndian(std::string* out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

uint64_t GetBigEndian(std::string_view in) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < in.size(); ++i) {
    value = (value << 8) | static_cast<unsigned char>(in[i]);
  }
  return value;
}

// Due times are wall-clock ms, so never negative in practice; clamp anyway
// so that the big-endian order stays the numeric order.
std::string DueKey(int64_t due_ms, std::string_view request_id) {
  std::string key;
  key.reserve(8 + request_id.size());
  PutBigEndian(&key, static_cast<uint64_t>(due_ms < 0 ? 0 : due_ms));
  key.append(request_id);
  return key;
}

// When a record came in; records stored before received_ms existed fall back
// to the call's own time.
int64_t IntakeMs(const Record& record) {
  return record.received_ms > 0 ? record.received_ms : record.timestamp_ms;
}

// Size of the filesystem holding `dir`; 0 when it cannot be told.
uint64_t FilesystemBytes(const std::string& dir) {
  struct statvfs fs;
  if (statvfs(dir.c_str(), &fs) != 0) return 0;
  return static_cast<uint64_t>(fs.f_blocks) * fs.f_frsize;
}

std::string SeqKey(int64_t seq) {
  std::string key;
  PutBigEndian(&key, static_cast<uint64_t>(seq));
  return key;
}

}  // namespace

DurableQueue::~DurableQueue() {
  closing_ = true;
  if (counter_.joinable()) counter_.join();
  if (!db_) return;
  // What the memtables hold is in the WAL too, but a start would replay up
  // to 256 MiB of it (seconds); a clean stop writes it out now instead.
  if (CheckWritable().ok()) db_->Flush(rocksdb::FlushOptions(), handles_).PermitUncheckedError();
  for (auto* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

StatusOr<std::unique_ptr<DurableQueue>> DurableQueue::Open(const std::string& dir,
                                                           const QueueOptions& options) {
  // RocksDB would create it too, after logging an error about it missing.
  rocksdb::Env* env = options.env != nullptr ? options.env : rocksdb::Env::Default();
  rocksdb::Status s = env->CreateDirIfMissing(dir);
  if (!s.ok()) return FromRocks(s, "create queue folder " + dir);

  QueueMemoryBudget budget = QueueMemoryBudget::ForDisk(FilesystemBytes(dir));
  rocksdb::DBOptions db_options = QueueDbOptions(budget, options.env);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors =
      QueueColumnFamilies(budget, {rocksdb::kDefaultColumnFamilyName, kRecordsCf, kDueCf, kDedupCf,
                                   kGenCf, kRowsCf, kParkedCf});

  std::unique_ptr<DurableQueue> queue(new DurableQueue());
  rocksdb::DB* db = nullptr;
  s = rocksdb::DB::Open(db_options, dir, descriptors, &queue->handles_, &db);
  if (!s.ok() && s.IsIOError() && s.ToString().find("lock") != std::string::npos) {
    // RocksDB's text ("While lock file: .../LOCK: Resource temporarily
    // unavailable") does not say what an operator needs to know.
    return Status::FailedPrecondition("open queue " + dir +
                                      ": in use by another running orauditd (" +
                                      s.ToString() + ")");
  }
  if (!s.ok()) return FromRocks(s, "open queue " + dir);
  queue->db_.reset(db);
  queue->after_scan_iterator_ = options.after_scan_iterator;
  queue->meta_ = queue->handles_[0];
  queue->records_ = queue->handles_[1];
  queue->due_ = queue->handles_[2];
  queue->dedup_ = queue->handles_[3];
  queue->gen_ = queue->handles_[4];
  queue->rows_ = queue->handles_[5];
  queue->parked_ = queue->handles_[6];

  Status meta = queue->LoadMeta();
  if (!meta.ok()) return meta;
  Status armed = queue->KeepAMemtableToFlush();
  if (!armed.ok()) return armed;
  Status pending = queue->LoadPendingStats();
  if (!pending.ok()) return pending;
  return queue;
}

Status DurableQueue::LoadMeta() {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kNextSeqKey, &value);
  if (s.ok()) {
    next_seq_ = std::stoll(value);
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "read queue next_seq");
  }
  s = db_->Get(rocksdb::ReadOptions(), meta_, kLastHashKey, &last_hash_);
  if (s.IsNotFound()) {
    last_hash_ = kGenesisHash;
  } else if (!s.ok()) {
    return FromRocks(s, "read queue last_hash");
  }
  return Status::Ok();
}

Status DurableQueue::Health() { return CheckWritable(); }

Status DurableQueue::CheckWritable() {
  Status failure;
  {
    std::lock_guard<std::mutex> lock(mu_);
    failure = failure_;
  }
  if (failure.ok()) return Status::Ok();

  // One thread recovers; the others wait for it and then see the outcome.
  std::lock_guard<std::mutex> recovering(recover_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    failure = failure_;
  }
  if (failure.ok()) return Status::Ok();

  // RocksDB keeps its own background error and refuses writes until it has
  // recovered. Resume() reports OK once it has (a full disk recovers by
  // itself when space returns), Busy while it is still trying, and the
  // error when it cannot: then only a restart (a fresh open) helps.
  rocksdb::Status resumed = db_->Resume();
  if (!resumed.ok()) return failure;
  // Resume() flushed every memtable; the next failure needs one to flush.
  Status armed = KeepAMemtableToFlush();
  if (!armed.ok()) {
    spdlog::error("{}", armed.message());
    return failure;
  }
  std::lock_guard<std::mutex> lock(mu_);
  spdlog::info("queue: storage recovered; taking writes again");
  failure_ = Status::Ok();
  return Status::Ok();
}

// Resume() moves writes off a WAL file whose append failed only while it
// flushes a memtable. With every memtable empty (the failed write was the
// first since the queue opened or since the last recovery), RocksDB 7.8
// keeps that file, and the next append to it aborts the process: Debian's
// library keeps that assertion. One entry written without the WAL keeps a
// memtable to flush: the deletion of a key that never exists.
Status DurableQueue::KeepAMemtableToFlush() {
  rocksdb::WriteOptions no_wal;
  no_wal.disableWAL = true;
  return FromRocks(db_->Delete(no_wal, meta_, kWalSwitchKey),
                   "queue keep a memtable for recovery to flush");
}

Status DurableQueue::Commit(rocksdb::WriteBatch* batch, bool sync, std::string_view context) {
  rocksdb::WriteOptions options;
  options.sync = sync;
  Status written = FromRocks(db_->Write(options, batch), context);
  if (written.ok()) return written;
  Status failure(written.code(),
                 "queue refuses writes until storage recovers: " + written.message());
  spdlog::error("{}", failure.message());
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = failure;
  return failure;
}

// The take's token: a record taken under `due_ms` has not been moved or
// finished since as long as its due key is exactly that one. Every write
// keeps one due key per record.
StatusOr<bool> DurableQueue::StillDueAt(const std::string& request_id, int64_t due_ms) {
  std::string ignored;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), due_, DueKey(due_ms, request_id), &ignored);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "queue read due entry of " + request_id);
  return true;
}

void DurableQueue::LowerDueFloor(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (key < due_floor_) due_floor_ = key;
  if (key < lowered_during_scan_) lowered_during_scan_ = key;
}

std::string DurableQueue::BeginDueScan() {
  std::lock_guard<std::mutex> lock(mu_);
  lowered_during_scan_ = kDueFloorEnd;
  return due_floor_;
}

void DurableQueue::EndDueScan(const std::string& raise_to) {
  std::lock_guard<std::mutex> lock(mu_);
  due_floor_ = std::min(std::max(due_floor_, raise_to), lowered_during_scan_);
}

std::vector<EnqueueResult> DurableQueue::Enqueue(std::vector<QueuedRecord> records) {
  std::vector<EnqueueResult> results(records.size());
  Status writable = CheckWritable();
  if (!writable.ok()) {
    for (size_t i = 0; i < records.size(); ++i) {
      results[i].status = writable;
      results[i].request_id = records[i].record.request_id;
    }
    return results;
  }
  rocksdb::WriteBatch batch;
  // Keys claimed earlier in this same batch are not in the database yet.
  std::unordered_map<std::string, std::string> batch_dedup;
  std::unordered_map<std::string, std::string> batch_gen;
  rocksdb::ReadOptions read;

  // A resend is acknowledged as a duplicate and the first copy stands. One
  // that names a generation never seen is not the same call resent: say so.
  auto note_resend = [&](const QueuedRecord& q, const std::string& first_id) {
    if (!q.record.generation_id) return;
    const std::string& gen_id = *q.record.generation_id;
    std::string owner;
    if (batch_gen.count(gen_id) > 0 || db_->Get(read, gen_, gen_id, &owner).ok()) return;
    spdlog::warn("record {}: sent again with generation_id {}, which it did not have; "
                 "the first copy stands and this one is acknowledged as a duplicate",
                 first_id, gen_id);
  };

  for (size_t i = 0; i < records.size(); ++i) {
    QueuedRecord& q = records[i];
    EnqueueResult& result = results[i];
    result.request_id = q.record.request_id;

    std::string existing;
    if (auto it = batch_dedup.find(q.record.dedup_key); it != batch_dedup.end()) {
      result.request_id = it->second;
      result.duplicate = true;
      note_resend(q, it->second);
      continue;
    }
    rocksdb::Status s = db_->Get(read, dedup_, q.record.dedup_key, &existing);
    if (s.ok()) {
      result.request_id = existing;
      result.duplicate = true;
      note_resend(q, existing);
      continue;
    }
    if (!s.IsNotFound()) {
      result.status = FromRocks(s, "queue dedup lookup");
      continue;
    }

    if (q.record.generation_id) {
      const std::string& gen_id = *q.record.generation_id;
      if (auto it = batch_gen.find(gen_id); it != batch_gen.end()) {
        q.duplicate_of = it->second;
      } else if (db_->Get(read, gen_, gen_id, &existing).ok()) {
        q.duplicate_of = existing;
      } else {
        batch_gen[gen_id] = q.record.request_id;
        batch.Put(gen_, gen_id, q.record.request_id);
      }
    }
    result.duplicate_of = q.duplicate_of;
    batch_dedup[q.record.dedup_key] = q.record.request_id;
    batch.Put(dedup_, q.record.dedup_key, q.record.request_id);
    if (q.encoded.empty() || q.duplicate_of) q.encoded = EncodeQueuedRecord(q);
    batch.Put(records_, q.record.request_id, q.encoded);
    batch.Put(due_, DueKey(q.due_ms, q.record.request_id), "");
  }

  if (batch.Count() == 0) return results;
  Status written = Commit(&batch, /*sync=*/true, "queue intake write");
  if (written.ok()) {
    for (const QueuedRecord& q : records) LowerDueFloor(DueKey(q.due_ms, q.record.request_id));
    for (size_t i = 0; i < records.size(); ++i) {
      if (results[i].status.ok() && !results[i].duplicate) {
        pending_.Add(IntakeMs(records[i].record));
      }
    }
  }
  if (!written.ok()) {
    for (auto& result : results) {
      if (result.status.ok() && !result.duplicate) result.status = written;
    }
    // A duplicate reply is only right if its first copy is durable; within
    // a failed batch that copy may have been lost with the rest.
    for (size_t i = 0; i < results.size(); ++i) {
      if (results[i].duplicate && batch_dedup.count(records[i].record.dedup_key)) {
        results[i].status = written;
        results[i].duplicate = false;
      }
    }
  }
  return results;
}

StatusOr<std::vector<QueuedRecord>> DurableQueue::TakeDue(
    int64_t now_ms, size_t limit, const std::function<bool(const std::string&)>& skip) {
  Status writable = CheckWritable();
  if (!writable.ok()) return writable;
  std::vector<QueuedRecord> taken;
  std::string upper = DueKey(now_ms + 1, "");
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_slice;
  // The scan starts before its iterator does: a key committed after the
  // iterator was made is invisible to it, and only a scan already under way
  // hears of that key's LowerDueFloor and keeps the floor below it.
  std::string floor = BeginDueScan();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, due_));
  if (after_scan_iterator_) after_scan_iterator_();
  rocksdb::WriteBatch stale;

  for (it->Seek(floor); it->Valid() && taken.size() < limit; it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    std::string request_id(key.substr(8));
    if (skip && skip(request_id)) continue;
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), records_, request_id, &value);
    if (s.IsNotFound()) {
      stale.Delete(due_, it->key());  // an index entry whose record is gone
      continue;
    }
    if (!s.ok()) return FromRocks(s, "queue read record " + request_id);
    auto decoded = DecodeQueuedRecord(value);
    if (!decoded.ok()) return decoded.status().WithContext("record " + request_id);

    // In flight now, no longer waiting on a key. The stored record keeps
    // its flag until its answer is stored: a reload (UnparkAll) leaves
    // alone what the caller skips.
    decoded->parked = false;
    taken.push_back(std::move(*decoded));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "queue scan due");
  // Everything before the stop was taken, held by the caller or stale: the
  // next scan starts past it. A record the caller holds comes back below
  // the floor only if it is handed back (Untake) or moved (Reschedule).
  std::string scanned_to = it->Valid() ? it->key().ToString() : upper;
  if (stale.Count() > 0) {
    // Not synced: a stale entry that comes back after a power cut is met
    // and deleted again.
    Status s = Commit(&stale, /*sync=*/false, "queue delete stale due entries");
    if (!s.ok()) return s;
  }
  EndDueScan(scanned_to);
  return taken;
}

void DurableQueue::Untake(const std::string& request_id, int64_t due_ms) {
  LowerDueFloor(DueKey(due_ms, request_id));
}

std::optional<int64_t> DurableQueue::NextDueMs(
    const std::function<bool(const std::string&)>& skip) {
  std::string floor = BeginDueScan();  // before the iterator: see TakeDue
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), due_));
  if (after_scan_iterator_) after_scan_iterator_();
  // Keys the caller holds may be passed, as in TakeDue.
  for (it->Seek(floor); it->Valid(); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    if (!skip || !skip(std::string(key.substr(8)))) break;
  }
  if (!it->Valid()) {
    EndDueScan(it->status().ok() ? kDueFloorEnd : std::string());
    return std::nullopt;
  }
  std::string found = it->key().ToString();
  EndDueScan(found);
  return static_cast<int64_t>(GetBigEndian(std::string_view(found.data(), 8)));
}

Status DurableQueue::Reschedule(const QueuedRecord& record, int64_t previous_due_ms) {
  Status writable = CheckWritable();
  if (!writable.ok()) return writable;
  const std::string& id = record.record.request_id;
  StatusOr<bool> holds = StillDueAt(id, previous_due_ms);
  if (!holds.ok()) return holds.status();
  if (!*holds) {
    return Status::FailedPrecondition("queue reschedule " + id + ": no longer due at " +
                                      std::to_string(previous_due_ms) +
                                      " (finished, or moved by another take)");
  }
  rocksdb::WriteBatch batch;
  std::string due_key = DueKey(record.due_ms, id);
  batch.Delete(due_, DueKey(previous_due_ms, id));
  batch.Put(due_, due_key, "");
  batch.Put(records_, id, EncodeQueuedRecord(record));
  if (record.parked) {
    batch.Put(parked_, id, "");
  } else {
    batch.Delete(parked_, id);
  }
  // Not synced: losing a reschedule to a power cut only repeats a lookup.
  Status s = Commit(&batch, /*sync=*/false, "queue reschedule " + id);
  if (s.ok()) LowerDueFloor(due_key);
  return s;
}

Status DurableQueue::Finalize(std::vector<Finished>* finished) {
  if (finished->empty()) return Status::Ok();
  Status writable = CheckWritable();
  if (!writable.ok()) return writable;

  // A record moved or finished since it was taken under this due time (by
  // another take that did not skip it) is not sealed a second time.
  std::vector<Finished> current;
  std::unordered_set<std::string> sealed;
  for (Finished& item : *finished) {
    const std::string& id = item.record.record.request_id;
    StatusOr<bool> holds = StillDueAt(id, item.record.due_ms);
    if (!holds.ok()) return holds.status();
    if (*holds && sealed.insert(id).second) current.push_back(std::move(item));
  }
  finished->swap(current);
  if (finished->empty()) return Status::Ok();

  rocksdb::WriteBatch batch;
  int64_t seq = next_seq_;
  std::string chain_head = last_hash_;
  for (Finished& item : *finished) {
    const std::string& id = item.record.record.request_id;
    item.row.seq = seq++;
    std::string line = SealRowToJsonLine(chain_head, &item.row);
    chain_head = item.row.row_hash;
    batch.Delete(due_, DueKey(item.record.due_ms, id));
    batch.Delete(records_, id);
    batch.Put(rows_, SeqKey(item.row.seq), line);
  }
  batch.Put(meta_, kNextSeqKey, std::to_string(seq));
  batch.Put(meta_, kLastHashKey, chain_head);

  Status s = Commit(&batch, /*sync=*/true, "queue finalize");
  if (!s.ok()) return s;
  for (const Finished& item : *finished) pending_.Remove(IntakeMs(item.record.record));
  next_seq_ = seq;
  last_hash_ = chain_head;
  return Status::Ok();
}

StatusOr<std::vector<Row>> DurableQueue::RowsAfter(int64_t after_seq, size_t limit) {
  std::vector<Row> rows;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), rows_));
  for (it->Seek(SeqKey(after_seq + 1)); it->Valid() && rows.size() < limit; it->Next()) {
    auto row = RowFromJsonLine(std::string_view(it->value().data(), it->value().size()));
    if (!row.ok()) return row.status().WithContext("queue outbox row");
    rows.push_back(std::move(*row));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "queue scan outbox");
  return rows;
}

Status DurableQueue::TrimRowsThrough(int64_t seq) {
  Status writable = CheckWritable();
  if (!writable.ok()) return writable;
  rocksdb::WriteBatch batch;
  batch.DeleteRange(rows_, SeqKey(0), SeqKey(seq + 1));
  // Not synced: rows trimmed again after a power cut are trimmed twice.
  return Commit(&batch, /*sync=*/false, "queue trim outbox");
}

// One pass over the records at start-up, over a snapshot taken before any
// write; from then on Enqueue and Finalize keep the figures. A record that
// is finalized while the pass runs is counted by the pass and uncounted by
// Finalize; one enqueued meanwhile is not in the snapshot. So the figures
// are exact once the pass ends, wherever it runs.
Status DurableQueue::LoadPendingStats() {
  // Reading and decoding a million records takes seconds; the first ones
  // are counted here, the rest after Open has returned.
  constexpr int kCountedInline = 20000;
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;  // read once; the cache is for the schedule's front
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, records_));
  it->SeekToFirst();
  for (int n = 0; it->Valid() && n < kCountedInline; it->Next(), ++n) {
    auto decoded = DecodeQueuedRecord(std::string_view(it->value().data(), it->value().size()));
    // An undecodable record is TakeDue's to report; here it only goes uncounted.
    if (decoded.ok()) pending_.Add(IntakeMs(decoded->record));
  }
  if (!it->status().ok() || !it->Valid()) {
    Status counted = FromRocks(it->status(), "queue count pending records");
    it.reset();
    db_->ReleaseSnapshot(snapshot);
    return counted;
  }
  pending_.SetCounting(true);
  counter_ = std::thread(&DurableQueue::CountRest, this, std::move(it), snapshot);
  return Status::Ok();
}

void DurableQueue::CountRest(std::unique_ptr<rocksdb::Iterator> it,
                             const rocksdb::Snapshot* snapshot) {
  for (; it->Valid() && !closing_.load(); it->Next()) {
    auto decoded = DecodeQueuedRecord(std::string_view(it->value().data(), it->value().size()));
    if (decoded.ok()) pending_.Add(IntakeMs(decoded->record));
  }
  if (!it->status().ok()) {
    spdlog::error("queue: counting pending records stopped: {}", it->status().ToString());
  }
  it.reset();
  db_->ReleaseSnapshot(snapshot);
  pending_.SetCounting(false);
}

uint64_t DurableQueue::ApproximatePending() {
  uint64_t keys = 0;
  db_->GetIntProperty(records_, "rocksdb.estimate-num-keys", &keys);
  return keys;
}

StatusOr<size_t> DurableQueue::UnparkAll(int64_t now_ms,
                                         const std::function<bool(const std::string&)>& skip) {
  size_t count = 0;
  rocksdb::WriteBatch stale;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), parked_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    std::string id = it->key().ToString();
    if (skip && skip(id)) continue;
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), records_, id, &value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "queue read parked record " + id);
    auto decoded =
        s.ok() ? DecodeQueuedRecord(value) : StatusOr<QueuedRecord>(Status::NotFound(id));
    if (!decoded.ok() || !decoded->parked) {
      // Finished while parked (at its window's end), or its flag was
      // cleared without the index hearing of it.
      stale.Delete(parked_, id);
      continue;
    }
    int64_t previous_due = decoded->due_ms;
    decoded->parked = false;
    decoded->due_ms = now_ms;
    Status rescheduled = Reschedule(*decoded, previous_due);
    if (!rescheduled.ok()) return rescheduled;
    ++count;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "queue scan parked");
  if (stale.Count() > 0) {
    Status s = Commit(&stale, /*sync=*/false, "queue drop stale parked entries");
    if (!s.ok()) return s;
  }
  return count;
}

}  // namespace orauditd
