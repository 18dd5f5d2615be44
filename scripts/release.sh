#!/usr/bin/env bash
# Builds a release of badgateway_exporter into dist/ (or $OUT):
#   badgateway_exporter-VERSION.linux-ARCH.tar.gz   binary, LICENSE, README.md, config.yml
#   badgateway_exporter_VERSION-1_ARCH.deb, badgateway_exporter-VERSION-1.ARCH.rpm   (nfpm)
#   sha256sums.txt
#   .build/linux-ARCH/badgateway_exporter, .build/config.yml, .build/state/   (packaging/Dockerfile's context)
# Static binaries (CGO_ENABLED=0) with version, revision, branch, build user
# and date stamped into --version and badgateway_exporter_build_info.
#
#   ./scripts/release.sh                           # VERSION from ./VERSION, linux/amd64 and linux/arm64
#   VERSION=1.2.3 ARCHS=amd64 PACKAGES=deb OUT=/tmp/rel ./scripts/release.sh
#   docker build -f packaging/Dockerfile --build-arg ARCH=arm64 -t badgateway_exporter dist
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

VERSION="${VERSION:-$(cat VERSION)}"
ARCHS="${ARCHS:-amd64 arm64}"
PACKAGES="${PACKAGES:-deb rpm}"
OUT="${OUT:-dist}"
REVISION="${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}"
BRANCH="${BRANCH:-$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo unknown)}"
BUILD_USER="${BUILD_USER:-$(id -un)@$(hostname)}"
BUILD_DATE="${BUILD_DATE:-$(date -u +%Y%m%d-%H:%M:%S)}"

case "$VERSION" in
  *[!A-Za-z0-9.+~_-]*|"") echo "release.sh: bad VERSION '$VERSION'" >&2; exit 2 ;;
esac

pkg=github.com/prometheus/common/version
ldflags="-s -w -X $pkg.Version=$VERSION -X $pkg.Revision=$REVISION -X $pkg.Branch=$BRANCH -X $pkg.BuildUser=$BUILD_USER -X $pkg.BuildDate=$BUILD_DATE"

mkdir -p "$OUT/.build/state"
cp packaging/config.yml "$OUT/.build/config.yml"
artifacts=()
for arch in $ARCHS; do
  name="badgateway_exporter-$VERSION.linux-$arch"
  echo "==> $name"
  stage="$OUT/$name"
  rm -rf "$stage"
  mkdir -p "$stage" "$OUT/.build/linux-$arch"
  CGO_ENABLED=0 GOOS=linux GOARCH="$arch" go build -trimpath -ldflags "$ldflags" \
    -o "$stage/badgateway_exporter" ./cmd/badgateway_exporter
  cp LICENSE README.md "$stage/"
  cp packaging/config.yml "$stage/config.yml"
  cp "$stage/badgateway_exporter" "$OUT/.build/linux-$arch/badgateway_exporter"
  tar -C "$OUT" --owner=0 --group=0 --numeric-owner -czf "$OUT/$name.tar.gz" "$name"
  rm -rf "$stage"
  artifacts+=("$name.tar.gz")
  for packager in $PACKAGES; do
    # nfpm expands ${VERSION} and ${ARCH} itself, not a content's src.
    sed "s|\${BINARY}|$OUT/.build/linux-$arch/badgateway_exporter|" packaging/nfpm.yaml > "$OUT/.build/nfpm-$arch.yaml"
    target=$(VERSION="$VERSION" ARCH="$arch" \
      go tool nfpm package --config "$OUT/.build/nfpm-$arch.yaml" --packager "$packager" --target "$OUT/" |
      sed -n 's/^created package: //p')
    [ -n "$target" ] || { echo "release.sh: nfpm made no $packager package" >&2; exit 1; }
    artifacts+=("$(basename "$target")")
  done
done
(cd "$OUT" && sha256sum "${artifacts[@]}" > sha256sums.txt)
echo "==> $OUT/sha256sums.txt"
cat "$OUT/sha256sums.txt"
