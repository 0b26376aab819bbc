// FaultFileSystem: the real RocksDB file system with a switch that makes
// writes fail the way a full disk (or a dying one) does: appends, syncs and
// new files return the chosen error until Heal(), and the disk reports no
// free space meanwhile (RocksDB polls that before it tries to recover).
// Reads always work. In the spirit of LevelDB's SpecialEnv and
// FaultInjectionTestEnv.
//
// Any thread: RocksDB calls it from its background threads too.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace orauditd::testing {

class FaultFileSystem : public rocksdb::FileSystemWrapper {
 public:
  FaultFileSystem() : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}

  const char* Name() const override { return "FaultFileSystem"; }

  // From now on every write fails with `error` (e.g. IOStatus::NoSpace()).
  void FailWrites(rocksdb::IOStatus error) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(error);
    failing_ = true;
  }
  void Heal() { failing_ = false; }
  uint64_t failed_writes() const { return failed_writes_; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (failing_) return Failure();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, &file, dbg);
    if (s.ok()) *result = std::make_unique<File>(this, std::move(file));
    return s;
  }

  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free_bytes, rocksdb::IODebugContext* dbg) override {
    if (failing_) {
      *free_bytes = 0;
      return rocksdb::IOStatus::OK();
    }
    return target()->GetFreeSpace(path, options, free_bytes, dbg);
  }

  rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    if (failing_) return Failure();
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = target()->ReopenWritableFile(name, options, &file, dbg);
    if (s.ok()) *result = std::make_unique<File>(this, std::move(file));
    return s;
  }

 private:
  // Owns the real file; FSWritableFileWrapper only borrows it.
  class File : public rocksdb::FSWritableFileWrapper {
   public:
    File(FaultFileSystem* fs, std::unique_ptr<rocksdb::FSWritableFile> file)
        : rocksdb::FSWritableFileWrapper(file.get()), fs_(fs), owned_(std::move(file)) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->failing_) return fs_->Failure();
      return FSWritableFileWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (fs_->failing_) return fs_->Failure();
      return FSWritableFileWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (fs_->failing_) return fs_->Failure();
      return FSWritableFileWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (fs_->failing_) return fs_->Failure();
      return FSWritableFileWrapper::Fsync(options, dbg);
    }

   private:
    FaultFileSystem* fs_;
    std::unique_ptr<rocksdb::FSWritableFile> owned_;
  };

  rocksdb::IOStatus Failure() {
    ++failed_writes_;
    std::lock_guard<std::mutex> lock(mu_);
    return error_;
  }

  std::atomic<bool> failing_{false};
  std::atomic<uint64_t> failed_writes_{0};
  std::mutex mu_;
  rocksdb::IOStatus error_;
};

// An Env whose file system is `fs`; keep both alive while a DB uses them.
inline std::unique_ptr<rocksdb::Env> EnvOver(const std::shared_ptr<FaultFileSystem>& fs) {
  return rocksdb::NewCompositeEnv(fs);
}

}  // namespace orauditd::testing
