#!/usr/bin/env bash
# Install the pinned golangci-lint into ./bin (idempotent: nothing happens when ./bin/golangci-lint is
# already that version). Builds from the Go module proxy with `go install`, so it works without any
# download site; the first build takes several minutes.
#
#   scripts/install-golangci-lint.sh [BINDIR]     # pinned version into BINDIR (default ./bin)
#   GOLANGCI_LINT_VERSION=v2.15.0 scripts/install-golangci-lint.sh bin
set -euo pipefail

VERSION=${GOLANGCI_LINT_VERSION:-v2.15.0}
bindir=${1:-bin}
# A relative BINDIR is taken from the current directory (the repository root when run by make).
mkdir -p "$bindir"
bindir=$(cd "$bindir" && pwd)
bin=$bindir/golangci-lint

if [[ -x $bin ]]; then
	# "golangci-lint has version 2.15.0 built with ..."
	have=$("$bin" version 2>/dev/null | sed -n 's/.*has version v\{0,1\}\([^ ]*\).*/v\1/p')
	if [[ $have == "$VERSION" ]]; then
		echo "golangci-lint $VERSION already in $bindir" >&2
		exit 0
	fi
	echo "golangci-lint in $bindir is ${have:-unknown}; installing $VERSION" >&2
else
	echo "installing golangci-lint $VERSION into $bindir (several minutes the first time)" >&2
fi

rm -f "$bin" # go install will not overwrite a file it did not build
# Outside the repository's module so its go.mod is neither consulted nor changed.
cd "$(mktemp -d)"
trap 'rm -rf "$PWD"' EXIT
GOBIN=$bindir go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$VERSION"
"$bin" version >&2
