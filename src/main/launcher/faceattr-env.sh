# Sourced by the launchers: picks java and the native allocator.
FACEATTR_JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# PyTorch allocates and frees large tensors on every call; with glibc each one is fresh mmap'd
# memory and page faults dominate (docs/performance.md). Debian's jemalloc with decay disabled
# keeps freed pages for reuse. FACEATTR_ALLOCATOR=glibc turns this off.
if [ "${FACEATTR_ALLOCATOR:-jemalloc}" = jemalloc ] && [ -z "${LD_PRELOAD:-}" ]; then
  for lib in /usr/lib/x86_64-linux-gnu/libjemalloc.so.2 /usr/lib64/libjemalloc.so.2 /usr/lib/libjemalloc.so.2; do
    if [ -f "$lib" ]; then
      export LD_PRELOAD="$lib"
      export MALLOC_CONF=${MALLOC_CONF:-dirty_decay_ms:-1,muzzy_decay_ms:-1}
      break
    fi
  done
fi
# PyTorch's native warnings (NNPACK on CPUs it does not support, deprecations) are library
# noise, not results: shown only with --verbose (docs/cli.md). An explicit TORCH_CPP_LOG_LEVEL wins.
case " $* " in
  *" --verbose "*) ;;
  *) export TORCH_CPP_LOG_LEVEL=${TORCH_CPP_LOG_LEVEL:-ERROR} ;;
esac
