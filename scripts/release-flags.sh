#!/usr/bin/env bash
# The extra `swift build -c release` flags the benchmarks build with: on an x86-64 CPU with
# AVX2 and FMA, compile for it (-target-cpu haswell). fathom's matrix products use fused
# multiply-add, as onnxruntime does, so that results match it bit for bit; on the baseline
# x86-64 target every fused multiply-add is a call into libm, which makes large MLP batches
# about 7× slower. Results are identical either way. Every bench script uses the same flags,
# so they share one release build (.build-release). The Swift standard library is linked
# statically: the dynamic loader's symbol binding was a fifth of the server's start-up.
set -euo pipefail
flags="--static-swift-stdlib"
if [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
  flags="$flags -Xswiftc -target-cpu -Xswiftc haswell"
fi
echo "$flags"
