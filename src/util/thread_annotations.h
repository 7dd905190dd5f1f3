// Clang thread-safety annotations (LevelDB's port/thread_annotations.h):
// mark what a mutex guards and what a function needs held, and clang's
// -Wthread-safety reports a missed lock at compile time. No-ops elsewhere.
// util/mutex.h has the annotated Mutex these refer to.
#pragma once

#if defined(__clang__)
#define STUDIO_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define STUDIO_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) STUDIO_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY STUDIO_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) STUDIO_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) STUDIO_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_AFTER(...) STUDIO_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define ACQUIRED_BEFORE(...) STUDIO_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define EXCLUSIVE_LOCKS_REQUIRED(...) STUDIO_THREAD_ANNOTATION(exclusive_locks_required(__VA_ARGS__))
#define SHARED_LOCKS_REQUIRED(...) STUDIO_THREAD_ANNOTATION(shared_locks_required(__VA_ARGS__))
#define LOCKS_EXCLUDED(...) STUDIO_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define EXCLUSIVE_LOCK_FUNCTION(...) STUDIO_THREAD_ANNOTATION(exclusive_lock_function(__VA_ARGS__))
#define UNLOCK_FUNCTION(...) STUDIO_THREAD_ANNOTATION(unlock_function(__VA_ARGS__))
#define ASSERT_EXCLUSIVE_LOCK(...) STUDIO_THREAD_ANNOTATION(assert_exclusive_lock(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS STUDIO_THREAD_ANNOTATION(no_thread_safety_analysis)
