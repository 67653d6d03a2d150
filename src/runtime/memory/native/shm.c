// Shared memory between processes for the concurrency-lab runtime (Linux): a file in /dev/shm
// mapped MAP_SHARED and handed to JavaScript as an external ArrayBuffer, so Int32Array/Float64Array
// and Atomics work on it directly (V8's Atomics accept non-shared buffers; MAP_SHARED makes the
// stores visible to every process that maps the file). Sleeping on a word is a futex wait run as
// async work on the libuv pool: the JavaScript thread never blocks. See docs/shared-state.md.
//
//   create(name, size) -> ArrayBuffer     a new zeroed file /dev/shm/<name>, mapped (fails if it exists)
//   open(name)         -> ArrayBuffer     an existing one, mapped (its whole size)
//   unlink(name)       -> boolean         removes the name (mappings stay valid)
//   wait(buf, index, expected, ms) -> Promise<0 ok | 1 not-equal | 2 timed-out>
//   wake(buf, index, count) -> number woken
//   nowUs()            -> CLOCK_MONOTONIC in whole µs (the tracer's hold stamps)
//   readWait(fd, buf, us) -> bytes read (> 0), 0 at EOF, -1 nothing within `us` µs (or a signal
//                            came), -2 a read error: a read of a non-blocking socket that, when
//                            nothing is there, sleeps in ppoll() until it is readable (a Pipe's
//                            recv() waiting for its reply without the event loop: docs/transport.md)
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CHECK(call)                                   \
  do {                                                \
    if ((call) != napi_ok) return NULL;               \
  } while (0)

static napi_value throw_errno(napi_env env, const char* what, const char* name, int err) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s /dev/shm/%s: %s", what, name, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/** Reads a file name (letters, digits, . _ -) into buf; throws otherwise. */
static int get_name(napi_env env, napi_value v, char* path, size_t cap, const char** name) {
  char buf[200];
  size_t len = 0;
  if (napi_get_value_string_utf8(env, v, buf, sizeof buf, &len) != napi_ok || len == 0 || len >= sizeof buf - 1) {
    napi_throw_type_error(env, NULL, "shm: a name of 1-190 characters is required");
    return 0;
  }
  for (size_t i = 0; i < len; i++) {
    char c = buf[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
      napi_throw_type_error(env, NULL, "shm: names use letters, digits, '.', '_' and '-' only");
      return 0;
    }
  }
  snprintf(path, cap, "/dev/shm/%s", buf);
  *name = path + 9;
  return 1;
}

static void unmap(napi_env env, void* data, void* hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

static napi_value map_fd(napi_env env, int fd, size_t size, const char* name) {
  void* addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (addr == MAP_FAILED) return throw_errno(env, "cannot map", name, err);
  napi_value ab;
  if (napi_create_external_arraybuffer(env, addr, size, unmap, (void*)(uintptr_t)size, &ab) != napi_ok) {
    munmap(addr, size);
    napi_throw_error(env, NULL, "shm: external ArrayBuffers are not allowed in this Node.js");
    return NULL;
  }
  return ab;
}

static napi_value Create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[256];
  const char* name;
  if (!get_name(env, argv[0], path, sizeof path, &name)) return NULL;
  int64_t size = 0;
  CHECK(napi_get_value_int64(env, argv[1], &size));
  if (size <= 0 || size > ((int64_t)1 << 40)) {
    napi_throw_range_error(env, NULL, "shm: bad size");
    return NULL;
  }
  int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return throw_errno(env, "cannot create", name, errno);
  if (ftruncate(fd, (off_t)size) != 0) {
    int err = errno;
    close(fd);
    unlink(path);
    return throw_errno(env, "cannot size", name, err);
  }
  return map_fd(env, fd, (size_t)size, name);
}

static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[256];
  const char* name;
  if (!get_name(env, argv[0], path, sizeof path, &name)) return NULL;
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "cannot open", name, errno);
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "cannot stat", name, err ? err : EINVAL);
  }
  return map_fd(env, fd, (size_t)st.st_size, name);
}

static napi_value Unlink(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char path[256];
  const char* name;
  if (!get_name(env, argv[0], path, sizeof path, &name)) return NULL;
  napi_value out;
  CHECK(napi_get_boolean(env, unlink(path) == 0, &out));
  return out;
}

/** The address of word `index` of an ArrayBuffer, checked. */
static int32_t* word_at(napi_env env, napi_value buf, napi_value idx) {
  void* data = NULL;
  size_t len = 0;
  if (napi_get_arraybuffer_info(env, buf, &data, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "shm: an ArrayBuffer is required");
    return NULL;
  }
  int64_t i = -1;
  napi_get_value_int64(env, idx, &i);
  if (i < 0 || (uint64_t)(i + 1) * 4 > len) {
    napi_throw_range_error(env, NULL, "shm: word index out of range");
    return NULL;
  }
  return (int32_t*)data + i;
}

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref keep;  // the ArrayBuffer: its mapping must outlive the wait
  int32_t* addr;
  int32_t expected;
  int64_t ms;
  int result;
} Wait;

static void wait_execute(napi_env env, void* data) {
  (void)env;
  Wait* w = (Wait*)data;
  struct timespec ts;
  ts.tv_sec = w->ms / 1000;
  ts.tv_nsec = (long)(w->ms % 1000) * 1000000L;
  // Not FUTEX_PRIVATE_FLAG: the word is in a MAP_SHARED file, waited on by other processes.
  long r = syscall(SYS_futex, w->addr, FUTEX_WAIT, w->expected, &ts, NULL, 0);
  if (r == 0) w->result = 0;
  else if (errno == EAGAIN) w->result = 1;
  else if (errno == ETIMEDOUT) w->result = 2;
  else w->result = 0;  // EINTR: a spurious wake-up, the caller looks again
}

static void wait_complete(napi_env env, napi_status status, void* data) {
  (void)status;
  Wait* w = (Wait*)data;
  napi_value v;
  napi_create_int32(env, w->result, &v);
  napi_resolve_deferred(env, w->deferred, v);
  napi_delete_reference(env, w->keep);
  napi_delete_async_work(env, w->work);
  free(w);
}

static napi_value WaitFn(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t* addr = word_at(env, argv[0], argv[1]);
  if (!addr) return NULL;
  int32_t expected = 0;
  int64_t ms = 0;
  CHECK(napi_get_value_int32(env, argv[2], &expected));
  CHECK(napi_get_value_int64(env, argv[3], &ms));
  if (ms < 0) ms = 0;
  napi_value promise;
  Wait* w = (Wait*)calloc(1, sizeof(Wait));
  if (!w) {
    napi_throw_error(env, NULL, "shm: out of memory");
    return NULL;
  }
  w->addr = addr;
  w->expected = expected;
  w->ms = ms;
  napi_value resource_name;
  CHECK(napi_create_string_utf8(env, "concurrency-lab.futex", NAPI_AUTO_LENGTH, &resource_name));
  CHECK(napi_create_promise(env, &w->deferred, &promise));
  CHECK(napi_create_reference(env, argv[0], 1, &w->keep));
  CHECK(napi_create_async_work(env, NULL, resource_name, wait_execute, wait_complete, w, &w->work));
  CHECK(napi_queue_async_work(env, w->work));
  return promise;
}

static napi_value Wake(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t* addr = word_at(env, argv[0], argv[1]);
  if (!addr) return NULL;
  int32_t count = 1;
  CHECK(napi_get_value_int32(env, argv[2], &count));
  if (count < 1) count = 1;
  long r = syscall(SYS_futex, addr, FUTEX_WAKE, count, NULL, NULL, 0);
  napi_value out;
  CHECK(napi_create_int32(env, r < 0 ? 0 : (int32_t)r, &out));
  return out;
}

/** CLOCK_MONOTONIC in whole µs (rounded): the tracer's hold stamps, one call and no BigInt. */
static napi_value NowUs(napi_env env, napi_callback_info info) {
  (void)info;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  napi_value out;
  napi_create_double(env, (double)ts.tv_sec * 1e6 + (double)((ts.tv_nsec + 500) / 1000), &out);
  return out;
}

static napi_value ReadWait(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t fd = -1;
  int64_t us = 0;
  void* data = NULL;
  size_t len = 0;
  CHECK(napi_get_value_int32(env, argv[0], &fd));
  CHECK(napi_get_buffer_info(env, argv[1], &data, &len));
  CHECK(napi_get_value_int64(env, argv[2], &us));
  int64_t r = -2;
  if (fd >= 0 && len > 0) {
    ssize_t n = read(fd, data, len);
    if (n >= 0) {
      r = n;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      r = -1;
      if (us > 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN, .revents = 0};
        struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};
        if (ppoll(&p, 1, &ts, NULL) > 0) {
          n = read(fd, data, len);
          if (n >= 0) r = n;
          else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) r = -2;
        }
      }
    }
  }
  napi_value out;
  CHECK(napi_create_int64(env, r, &out));
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", NULL, Create, NULL, NULL, NULL, napi_default, NULL},
      {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
      {"unlink", NULL, Unlink, NULL, NULL, NULL, napi_default, NULL},
      {"wait", NULL, WaitFn, NULL, NULL, NULL, napi_default, NULL},
      {"wake", NULL, Wake, NULL, NULL, NULL, napi_default, NULL},
      {"nowUs", NULL, NowUs, NULL, NULL, NULL, napi_default, NULL},
      {"readWait", NULL, ReadWait, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
