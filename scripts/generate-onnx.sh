#!/usr/bin/env bash
# Regenerates Sources/Model/ONNX/onnx.pb.swift from the ONNX schema.
#
# Needs protoc (Debian: protobuf-compiler), onnx.proto (Debian: libonnx-dev) and
# protoc-gen-swift built from the same swift-protobuf version Package.swift names.
# The normal build never runs this: the generated file is committed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
proto=${ONNX_PROTO:-/usr/include/onnx/onnx.proto}
version=1.39.0
work=${PROTOC_GEN_SWIFT_DIR:-/tmp/fathom-protoc-gen-swift}

if ! command -v protoc >/dev/null || [ ! -f "$proto" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq protobuf-compiler libonnx-dev
  else
    echo "need protoc and onnx.proto: sudo apt-get install protobuf-compiler libonnx-dev" >&2
    exit 1
  fi
fi

if [ ! -x "$work/.build/debug/protoc-gen-swift" ]; then
  rm -rf "$work"
  git clone -q --branch "$version" https://github.com/apple/swift-protobuf "$work"
  (cd "$work" && swift build --product protoc-gen-swift)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$proto" "$tmp/onnx.proto"
protoc --plugin=protoc-gen-swift="$work/.build/debug/protoc-gen-swift" \
  --swift_opt=Visibility=Internal \
  --swift_out="$tmp" -I "$tmp" "$tmp/onnx.proto"
mkdir -p "$root/Sources/Model/ONNX"
mv "$tmp/onnx.pb.swift" "$root/Sources/Model/ONNX/onnx.pb.swift"
echo "wrote Sources/Model/ONNX/onnx.pb.swift from $proto"
