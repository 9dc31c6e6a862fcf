#!/usr/bin/env bash
# Build the draftappt container image from the repository root.
#
#   scripts/image.sh [extra build args...]      # tags draftappt:dev and draftappt:$VERSION
#   IMAGE=registry.example.com/draftappt:1.2.3 VERSION=1.2.3 scripts/image.sh
#
# Uses docker when a Docker engine answers (docker info), else podman with the runc runtime (the default
# crun fails on the project's machines). Without registry access, run scripts/podman-standins.sh first.
# Set CONTAINER_ENGINE=docker|podman to skip the detection.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

IMAGE=${IMAGE:-draftappt:dev}
VERSION=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
REVISION=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}

engine=${CONTAINER_ENGINE:-}
if [[ -z $engine ]]; then
	if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
		engine=docker
	elif command -v podman >/dev/null 2>&1; then
		engine=podman
	else
		echo "image.sh: neither a Docker engine nor podman is available" >&2
		exit 1
	fi
fi

case $engine in
docker) cmd=(docker build) ;;
podman) cmd=(podman --runtime runc build) ;;
*) echo "image.sh: CONTAINER_ENGINE must be docker or podman, not $engine" >&2; exit 2 ;;
esac

tags=(-t "$IMAGE")
# Also tag the version (git describe output is a valid tag: [A-Za-z0-9_.-], at most 128 characters).
version_tag="${IMAGE%:*}:$VERSION"
if [[ $version_tag != "$IMAGE" && $VERSION =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]]; then
	tags+=(-t "$version_tag")
fi

echo "image.sh: ${cmd[*]} ${tags[*]} (VERSION=$VERSION)" >&2
exec "${cmd[@]}" \
	--build-arg VERSION="$VERSION" \
	--build-arg REVISION="$REVISION" \
	"${tags[@]}" "$@" .
