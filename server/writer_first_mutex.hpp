#pragma once
#include <pthread.h>

#include <chrono>

namespace server {

/// A reader-writer lock that lets a waiting writer in before new readers (glibc's rwlock kind
/// PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP). std::shared_mutex lets readers in first, so
/// a steady stream of them could keep a writer out for good. Meets SharedMutex: use it with
/// std::shared_lock and std::unique_lock. A thread must not take it shared twice: a writer
/// waiting in between would make it wait for itself.
class writer_first_mutex {
 public:
  writer_first_mutex();
  ~writer_first_mutex();
  writer_first_mutex(const writer_first_mutex&) = delete;
  writer_first_mutex& operator=(const writer_first_mutex&) = delete;

  void lock();
  /// Takes it alone without holding readers back while `patience` lasts (it tries between
  /// their requests), then as lock() does. A reader that holds it long (a write waiting for an
  /// import's commit) then delays the writer, not every other reader.
  void lock_politely(std::chrono::milliseconds patience);
  bool try_lock();
  void unlock();
  void lock_shared();
  bool try_lock_shared();
  void unlock_shared();

 private:
  pthread_rwlock_t m_lock;
};

}  // namespace server
