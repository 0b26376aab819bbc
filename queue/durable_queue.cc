#include "queue/durable_queue.h"

#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "storage/hash_chain.h"
#include "storage/row_json.h"

namespace orauditd {
namespace {

const char kRecordsCf[] = "records";
const char kDueCf[] = "due";
const char kDedupCf[] = "dedup";
const char kGenCf[] = "gen";
const char kRowsCf[] = "rows";
const char kNextSeqKey[] = "next_seq";
const char kLastHashKey[] = "last_hash";

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

std::string SeqKey(int64_t seq) {
  std::string key;
  PutBigEndian(&key, static_cast<uint64_t>(seq));
  return key;
}

rocksdb::WriteOptions SyncedWrite() {
  rocksdb::WriteOptions options;
  options.sync = true;
  return options;
}

}  // namespace

DurableQueue::~DurableQueue() {
  if (!db_) return;
  for (auto* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  db_->Close().PermitUncheckedError();
}

StatusOr<std::unique_ptr<DurableQueue>> DurableQueue::Open(const std::string& dir) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.max_total_wal_size = 64 << 20;

  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.OptimizeLevelStyleCompaction(32 << 20);
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors = {
      {rocksdb::kDefaultColumnFamilyName, cf_options},
      {kRecordsCf, cf_options},
      {kDueCf, cf_options},
      {kDedupCf, cf_options},
      {kGenCf, cf_options},
      {kRowsCf, cf_options},
  };

  std::unique_ptr<DurableQueue> queue(new DurableQueue());
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors, &queue->handles_, &db);
  if (!s.ok()) return FromRocks(s, "open queue " + dir);
  queue->db_.reset(db);
  queue->meta_ = queue->handles_[0];
  queue->records_ = queue->handles_[1];
  queue->due_ = queue->handles_[2];
  queue->dedup_ = queue->handles_[3];
  queue->gen_ = queue->handles_[4];
  queue->rows_ = queue->handles_[5];

  Status meta = queue->LoadMeta();
  if (!meta.ok()) return meta;
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

std::vector<EnqueueResult> DurableQueue::Enqueue(std::vector<QueuedRecord> records) {
  std::vector<EnqueueResult> results(records.size());
  rocksdb::WriteBatch batch;
  // Keys claimed earlier in this same batch are not in the database yet.
  std::unordered_map<std::string, std::string> batch_dedup;
  std::unordered_map<std::string, std::string> batch_gen;
  rocksdb::ReadOptions read;

  for (size_t i = 0; i < records.size(); ++i) {
    QueuedRecord& q = records[i];
    EnqueueResult& result = results[i];
    result.request_id = q.record.request_id;

    std::string existing;
    if (auto it = batch_dedup.find(q.record.dedup_key); it != batch_dedup.end()) {
      result.request_id = it->second;
      result.duplicate = true;
      continue;
    }
    rocksdb::Status s = db_->Get(read, dedup_, q.record.dedup_key, &existing);
    if (s.ok()) {
      result.request_id = existing;
      result.duplicate = true;
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
    batch.Put(records_, q.record.request_id, EncodeQueuedRecord(q));
    batch.Put(due_, DueKey(q.due_ms, q.record.request_id), "");
  }

  if (batch.Count() == 0) return results;
  Status written = FromRocks(db_->Write(SyncedWrite(), &batch), "queue intake write");
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

StatusOr<std::vector<QueuedRecord>> DurableQueue::TakeDue(int64_t now_ms, size_t limit,
                                                          int64_t lease_until_ms) {
  std::vector<QueuedRecord> taken;
  std::string upper = DueKey(now_ms + 1, "");
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, due_));
  rocksdb::WriteBatch leases;

  for (it->SeekToFirst(); it->Valid() && taken.size() < limit; it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    std::string request_id(key.substr(8));
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), records_, request_id, &value);
    if (s.IsNotFound()) {
      leases.Delete(due_, it->key());  // stale index entry
      continue;
    }
    if (!s.ok()) return FromRocks(s, "queue read record " + request_id);
    auto decoded = DecodeQueuedRecord(value);
    if (!decoded.ok()) return decoded.status().WithContext("record " + request_id);

    decoded->due_ms = lease_until_ms;
    leases.Delete(due_, it->key());
    leases.Put(due_, DueKey(lease_until_ms, request_id), "");
    leases.Put(records_, request_id, EncodeQueuedRecord(*decoded));
    taken.push_back(std::move(*decoded));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "queue scan due");
  if (leases.Count() > 0) {
    Status s = FromRocks(db_->Write(rocksdb::WriteOptions(), &leases), "queue lease");
    if (!s.ok()) return s;
  }
  return taken;
}

std::optional<int64_t> DurableQueue::NextDueMs() {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), due_));
  it->SeekToFirst();
  if (!it->Valid()) return std::nullopt;
  return static_cast<int64_t>(GetBigEndian(std::string_view(it->key().data(), 8)));
}

Status DurableQueue::Reschedule(const QueuedRecord& record, int64_t previous_due_ms) {
  rocksdb::WriteBatch batch;
  const std::string& id = record.record.request_id;
  batch.Delete(due_, DueKey(previous_due_ms, id));
  batch.Put(due_, DueKey(record.due_ms, id), "");
  batch.Put(records_, id, EncodeQueuedRecord(record));
  // Not synced: losing a reschedule to a power cut only repeats a lookup.
  return FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "queue reschedule " + id);
}

Status DurableQueue::Finalize(std::vector<Finished>* finished) {
  if (finished->empty()) return Status::Ok();
  rocksdb::WriteBatch batch;
  int64_t seq = next_seq_;
  std::string chain_head = last_hash_;

  for (Finished& item : *finished) {
    const std::string& id = item.record.record.request_id;
    item.row.seq = seq++;
    item.row.prev_hash = chain_head;
    item.row.row_hash = ComputeRowHash(chain_head, item.row);
    chain_head = item.row.row_hash;
    batch.Delete(due_, DueKey(item.record.due_ms, id));
    batch.Delete(records_, id);
    batch.Put(rows_, SeqKey(item.row.seq), RowToJsonLine(item.row));
  }
  batch.Put(meta_, kNextSeqKey, std::to_string(seq));
  batch.Put(meta_, kLastHashKey, chain_head);

  Status s = FromRocks(db_->Write(SyncedWrite(), &batch), "queue finalize");
  if (!s.ok()) return s;
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
  std::string begin = SeqKey(0);
  std::string end = SeqKey(seq + 1);
  return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), rows_, begin, end),
                   "queue trim outbox");
}

uint64_t DurableQueue::ApproximatePending() {
  uint64_t keys = 0;
  db_->GetIntProperty(records_, "rocksdb.estimate-num-keys", &keys);
  return keys;
}

StatusOr<size_t> DurableQueue::UnparkAll(int64_t now_ms) {
  size_t count = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), records_));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto decoded = DecodeQueuedRecord(std::string_view(it->value().data(), it->value().size()));
    if (!decoded.ok() || !decoded->parked) continue;
    int64_t previous_due = decoded->due_ms;
    decoded->parked = false;
    decoded->due_ms = now_ms;
    Status s = Reschedule(*decoded, previous_due);
    if (!s.ok()) return s;
    ++count;
  }
  if (!it->status().ok()) return FromRocks(it->status(), "queue scan parked");
  return count;
}

}  // namespace orauditd
