# syntax=docker/dockerfile:1
# badgateway_exporter: a static binary on distroless, as a non-root user.
#
#   docker build -t badgateway_exporter .
#   docker run -p 9502:9502 -v $PWD/my.yml:/etc/badgateway/badgateway.yml:ro badgateway_exporter
#
# The demo stack (docker-compose.yml) builds it too. The build context is the
# repository; cmd/flaky-upstream/Dockerfile is built the same way. The release
# image (no compiler, pulls nothing, config in /etc/badgateway_exporter) is
# packaging/Dockerfile, built from ./scripts/release.sh's binaries.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=0.1.0-dev
ARG REVISION=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/prometheus/common/version.Version=${VERSION} -X github.com/prometheus/common/version.Revision=${REVISION}" \
      -o /out/badgateway_exporter ./cmd/badgateway_exporter

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/badgateway_exporter /bin/badgateway_exporter
# 65532 is "nonroot" in distroless. It reads logs (nginx writes them 0644)
# and listens above 1024.
USER 65532:65532
EXPOSE 9502 5514/udp
ENTRYPOINT ["/bin/badgateway_exporter"]
CMD ["--config.file=/etc/badgateway/badgateway.yml"]
