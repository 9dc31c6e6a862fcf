#!/usr/bin/env bash
# Create local stand-ins for the Dockerfile's base images so that the image can be built with podman on a
# machine that reaches no container registry (see shared docs: container.md). Idempotent: an image that
# already exists is left alone (pass --force to rebuild all three).
#
#   localhost/debian:bookworm-local             debootstrap'd Debian 12 minbase
#   docker.io/library/golang:1.26-bookworm      that + this machine's Go toolchain + CA bundle
#   gcr.io/distroless/static-debian12:nonroot   CA bundle + /etc/passwd with nonroot 65532
#
# Needs root, podman, runc and debootstrap (installed with apt-get when missing), and a local Go toolchain.
# Takes about 3 minutes the first time.
set -euo pipefail

DEBIAN_IMAGE=localhost/debian:bookworm-local
GOLANG_IMAGE=docker.io/library/golang:1.26-bookworm
DISTROLESS_IMAGE=gcr.io/distroless/static-debian12:nonroot
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

force=false
if [[ ${1:-} == --force ]]; then force=true; fi

log() { printf 'podman-standins: %s\n' "$*" >&2; }
pod() { podman --runtime runc "$@"; }
need() { $force || ! podman image exists "$1"; }

missing=()
for tool in podman runc debootstrap; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
	log "installing ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc debootstrap
fi
command -v go >/dev/null 2>&1 || { log "a Go toolchain is needed on PATH"; exit 1; }
[[ -r $CA_BUNDLE ]] || { log "missing $CA_BUNDLE"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if need "$DEBIAN_IMAGE"; then
	log "debootstrap bookworm -> $DEBIAN_IMAGE"
	debootstrap --variant=minbase bookworm "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log" >&2; exit 1; }
	tar -C "$work/rootfs" -c . | podman import - "$DEBIAN_IMAGE" >/dev/null
	rm -rf "$work/rootfs"
else
	log "$DEBIAN_IMAGE exists"
fi

if need "$GOLANG_IMAGE"; then
	log "building $GOLANG_IMAGE from $(go version)"
	mkdir -p "$work/goimg/certs"
	cp -a "$(go env GOROOT)" "$work/goimg/go"
	cp "$CA_BUNDLE" "$work/goimg/certs/"
	cat >"$work/goimg/Dockerfile" <<DOCKERFILE
FROM $DEBIAN_IMAGE
COPY go /usr/local/go
COPY certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV PATH=/usr/local/go/bin:/go/bin:\$PATH GOPATH=/go GOTOOLCHAIN=local
WORKDIR /go
DOCKERFILE
	pod build -q -t "$GOLANG_IMAGE" "$work/goimg" >/dev/null
else
	log "$GOLANG_IMAGE exists"
fi

if need "$DISTROLESS_IMAGE"; then
	log "building $DISTROLESS_IMAGE"
	mkdir -p "$work/distroless/etc/ssl/certs"
	cp "$CA_BUNDLE" "$work/distroless/etc/ssl/certs/"
	printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
		>"$work/distroless/etc/passwd"
	printf 'root:x:0:\nnonroot:x:65532:\n' >"$work/distroless/etc/group"
	printf 'FROM scratch\nCOPY etc /etc\nUSER 65532:65532\n' >"$work/distroless/Dockerfile"
	pod build -q -t "$DISTROLESS_IMAGE" "$work/distroless" >/dev/null
else
	log "$DISTROLESS_IMAGE exists"
fi

log "ready: $GOLANG_IMAGE, $DISTROLESS_IMAGE"
