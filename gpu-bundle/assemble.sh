#!/usr/bin/env bash
# Assembles the GPU-check bundle (called by Maven in gpu-bundle's package phase):
#   <out>/gpu-check            the launcher (bash)
#   <out>/payload.tar.xz       jlinked runtime + wafer.jar + the CUDA tests and their libraries
#   <out>/payload.sha256       names the unpack directory, so a changed payload is never mixed with an old one
#   <out>/bench_torch_cuda.py  the PyTorch baseline (eager, and torch.compile) run beside `wafer bench`
#   <out>/torch_standin.py     a labelled stand-in for it, run only by --rehearse where python3 has no torch
# PTX_MODE (Maven's -Dbundle.ptx): `required` (the default, and what bin/gpu-check builds) fails where the prebuilt
# PTX cannot be made; `optional` (./run-tests) builds a bundle for the tests without it, marked NO-PREBUILT-PTX in
# the payload with the reason, so a machine without NVRTC can run the tests (the PTX test skips there, and fails
# under WAFER_EXPECT_NVRTC=1).
# Why one xz payload: the runtime alone is ~40 MB (libjvm.so is 25 MB stripped) and the jars ~30 MB, more than the
# 64 MiB a lent GPU machine receives; xz over uncompressed jars and runtime brings the whole to about 36 MB
# (level 2: 40 s on 2 cores; level 6 saves 4.6 MB for four times the time).
set -euo pipefail
[ $# -eq 6 ] || [ $# -eq 7 ] || {
  echo "usage: assemble.sh JDK APP_JAR RUNNER_JAR CLASSPATH_FILE BUNDLE_SOURCES OUT_DIR [required|optional]" >&2
  exit 2
}
jdk="$(realpath -m "$1")" app_jar="$(realpath -m "$2")" runner_jar="$(realpath -m "$3")"
classpath_file="$(realpath -m "$4")" src="$(realpath -m "$5")" out="$(realpath -m "$6")" ptx_mode="${7:-required}"
fail() { echo "assemble.sh: $*" >&2; exit 1; }
case "$ptx_mode" in
  required|optional) ;;
  *) fail "the prebuilt PTX mode (-Dbundle.ptx) must be required or optional, found '$ptx_mode'" ;;
esac
[ -x "$jdk/bin/jlink" ] || fail "no jlink in $jdk (a full JDK 25 is needed to build the bundle)"
[ -f "$app_jar" ] || fail "missing $app_jar (build the app module first)"
[ -f "$runner_jar" ] || fail "missing $runner_jar"
command -v xz >/dev/null || fail "xz is needed to pack the bundle (apt-get install xz-utils)"
command -v zip >/dev/null || fail "zip is needed to repack jars uncompressed (apt-get install zip)"
command -v unzip >/dev/null || fail "unzip is needed (apt-get install unzip)"
work="$(dirname "$out")/gpu-check-work"
rm -rf "$work" "$out"
mkdir -p "$work/payload/lib" "$out"

# The runtime: only the modules the CLI and the tests load (java.desktop is left out: no plots on the GPU machine;
# jdk.zipfs lets the JUnit launcher scan the test jars).
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,java.sql,jdk.incubator.vector,jdk.unsupported,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --output "$work/payload/runtime" 2> >(grep -v 'incubator' >&2)
if command -v strip >/dev/null; then
  strip --strip-unneeded "$work/payload/runtime/lib/server/libjvm.so"
fi

# Jars stored without compression, so that xz compresses across them (about half the size of deflated jars).
store_uncompressed() { # <jar> <target> [zip -d patterns...]
  local jar="$1" target="$2" tmp
  shift 2
  tmp="$(mktemp -d "$work/jar.XXXX")"
  (cd "$tmp" && unzip -q "$jar")
  if [ $# -gt 0 ]; then (cd "$tmp" && rm -rf "$@"); fi
  (cd "$tmp" && zip -q -0 -X "$target" META-INF/MANIFEST.MF 2>/dev/null || true)
  (cd "$tmp" && zip -q -0 -X -r "$target" . -x META-INF/MANIFEST.MF)
  rm -rf "$tmp"
}
# wafer.jar without the native libraries of other platforms: the bundle's runtime is linux-x86_64 only.
store_uncompressed "$app_jar" "$work/payload/wafer.jar" \
  win osx aix freebsd darwin linux/aarch64 linux/arm linux/armhf linux/ppc64 linux/ppc64le linux/riscv64 \
  linux/loongarch64 linux/s390x linux/mips64 linux/i386 linux/x86 \
  linux/libaparapi_aarch64.so linux/libaparapi_armhf.so linux/libaparapi_x86.so \
  native/lib/osx-x86_64 native/lib/osx-aarch64 native/lib/win-x86_64 native/lib/linux-aarch64 \
  com/sun/jna/win32-x86 com/sun/jna/win32-x86-64 com/sun/jna/win32-aarch64 com/sun/jna/darwin-aarch64 \
  com/sun/jna/darwin-x86-64 com/sun/jna/aix-ppc com/sun/jna/aix-ppc64 com/sun/jna/sunos-x86 \
  com/sun/jna/sunos-x86-64 com/sun/jna/sunos-sparcv9 com/sun/jna/freebsd-x86 com/sun/jna/freebsd-x86-64 \
  com/sun/jna/openbsd-x86 com/sun/jna/openbsd-x86-64 com/sun/jna/dragonflybsd-x86-64 com/sun/jna/linux-aarch64 \
  com/sun/jna/linux-arm com/sun/jna/linux-armel com/sun/jna/linux-loongarch64 com/sun/jna/linux-mips64el \
  com/sun/jna/linux-ppc com/sun/jna/linux-ppc64le com/sun/jna/linux-riscv64 com/sun/jna/linux-s390x \
  com/sun/jna/linux-x86
store_uncompressed "$runner_jar" "$work/payload/lib/wafer-gpu-check.jar"
IFS=":" read -r -a libs < "$classpath_file" || true # the file has no final newline
for lib in "${libs[@]}"; do
  [ -n "$lib" ] || continue
  store_uncompressed "$lib" "$work/payload/lib/$(basename "$lib")"
done

# Prebuilt PTX for compute_80 and compute_90 (the driver compiles PTX for its device): the backend falls back to it
# when NVRTC is missing on the GPU machine or its output does not load there. Every bundle carries it, so a machine
# without NVRTC here fails the build rather than shipping a bundle without the fallback. (No `ldconfig -p | grep -q`
# test: under pipefail grep's early exit gives ldconfig SIGPIPE, and the PTX was left out at random.)
ptx_log="$work/ptx.log"
if ! "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -cp "$app_jar" dev.wafer.adapters.cuda.PtxPrecompiler \
    "$work/payload/ptx" 80 90 >"$ptx_log" 2>&1; then
  # The exception's message: the first line that is neither a JVM warning nor a stack frame (awk reads the file
  # itself), without the "Exception in thread ..." and class name in front of it.
  reason="$(awk '!/^WARNING/ && !/^[[:space:]]+at / && NF {print; exit}' "$ptx_log" \
    | sed 's/^Exception in thread "[^"]*" [A-Za-z0-9_.$]*: //')"
  [ "$ptx_mode" = optional ] || fail "cannot build the prebuilt PTX every bundle carries (${reason:-no output}); install NVRTC here (Debian non-free libnvrtc11.2, or the CUDA toolkit) and build again"
  # A test bundle: no PTX at all (never some of it), and the reason where the launcher and the tests find it.
  rm -rf "$work/payload/ptx"
  echo "${reason:-PtxPrecompiler gave no output}" > "$work/payload/NO-PREBUILT-PTX"
  echo "assemble.sh: WARNING: this bundle carries no prebuilt PTX (${reason:-no output}); fine for the tests, not for a GPU machine (bin/gpu-check requires it)" >&2
else
  for arch in 80 90; do
    count="$(find "$work/payload/ptx" -name "*-compute_$arch.ptx" | wc -l)"
    [ "$count" -gt 0 ] || fail "PtxPrecompiler wrote no compute_$arch PTX into $work/payload/ptx"
  done
fi
tar -C "$work/payload" -cf - . | xz -T0 -2 > "$out/payload.tar.xz"
sha256sum "$out/payload.tar.xz" | cut -d' ' -f1 > "$out/payload.sha256"
cp "$src/gpu-check" "$src/bench_torch_cuda.py" "$src/torch_standin.py" "$out/"
chmod +x "$out/gpu-check"
rm -rf "$work"
echo "assemble.sh: $(du -sh "$out" | cut -f1) in $out"
