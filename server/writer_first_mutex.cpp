#include "server/writer_first_mutex.hpp"

#include <cerrno>
#include <system_error>
#include <thread>

namespace server {
namespace {

void check(int result, const char* what) {
  if (result != 0) throw std::system_error(result, std::generic_category(), what);
}

}  // namespace

writer_first_mutex::writer_first_mutex() {
  pthread_rwlockattr_t kind;
  check(pthread_rwlockattr_init(&kind), "pthread_rwlockattr_init");
  pthread_rwlockattr_setkind_np(&kind, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
  const int made = pthread_rwlock_init(&m_lock, &kind);
  pthread_rwlockattr_destroy(&kind);
  check(made, "pthread_rwlock_init");
}

writer_first_mutex::~writer_first_mutex() {
  pthread_rwlock_destroy(&m_lock);
}

void writer_first_mutex::lock() {
  check(pthread_rwlock_wrlock(&m_lock), "pthread_rwlock_wrlock");
}

void writer_first_mutex::lock_politely(std::chrono::milliseconds patience) {
  const auto until = std::chrono::steady_clock::now() + patience;
  while (std::chrono::steady_clock::now() < until) {
    if (try_lock()) return;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  lock();
}

bool writer_first_mutex::try_lock() {
  return pthread_rwlock_trywrlock(&m_lock) == 0;
}

void writer_first_mutex::unlock() {
  pthread_rwlock_unlock(&m_lock);
}

void writer_first_mutex::lock_shared() {
  // EAGAIN: more readers than the lock can count; they are bounded by the server's threads.
  check(pthread_rwlock_rdlock(&m_lock), "pthread_rwlock_rdlock");
}

bool writer_first_mutex::try_lock_shared() {
  return pthread_rwlock_tryrdlock(&m_lock) == 0;
}

void writer_first_mutex::unlock_shared() {
  pthread_rwlock_unlock(&m_lock);
}

}  // namespace server
