# draftappt container image.
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t draftappt:dev .
#   (or scripts/image.sh, which falls back to podman when no Docker engine answers)
#
# Stage 1 builds a static binary; stage 2 is distroless "static" (CA certificates, /etc/passwd with the
# nonroot user 65532, no shell, no package manager). The tz database is compiled into the binary
# (-tags timetzdata), so the final image needs no /usr/share/zoneinfo.

FROM golang:1.26-bookworm AS build
WORKDIR /src

# Module download is its own layer: it is rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

# Declared after the download layer so a new version does not invalidate it.
ARG VERSION=dev
ENV CGO_ENABLED=0
RUN go build -trimpath -tags timetzdata \
        -ldflags "-s -w -X main.version=${VERSION}" \
        -o /out/draftappt ./cmd/draftappt

# Mount point for DATA_DIR (the SQLite ledger), owned by the runtime user in the final stage so that a
# fresh Docker/Podman named volume mounted there inherits that ownership.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="draftappt" \
      org.opencontainers.image.description="Slack (Socket Mode) bot that drafts myKaarma service appointments" \
      org.opencontainers.image.source="https://github.com/draftappt/draftappt" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"

COPY --from=build /out/draftappt /draftappt
COPY --from=build --chown=65532:65532 /out/data /data

# The app's own default is ./data (handy outside a container); in the image it is /data, where
# Kubernetes mounts the PVC and compose mounts a named volume.
ENV DATA_DIR=/data \
    HTTP_ADDR=:8080

USER 65532:65532
# /healthz, /readyz and /metrics. The bot itself only makes outbound connections (Slack websocket,
# HTTPS to myKaarma).
EXPOSE 8080

# No HEALTHCHECK on purpose: distroless has no shell or curl to run one, and Kubernetes uses the
# liveness (/healthz) and readiness (/readyz) probes in deploy/kubernetes instead.
ENTRYPOINT ["/draftappt"]
CMD ["serve"]
