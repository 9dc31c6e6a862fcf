# draftappt — `make` (or `make help`) lists the targets.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := bin
FUZZTIME ?= 10s
GOLANGCI_LINT_VERSION := v2.15.0

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## build bin/draftappt (static, tz database embedded)
	CGO_ENABLED=0 $(GO) build -trimpath -tags timetzdata -ldflags "$(LDFLAGS)" -o $(BIN)/draftappt ./cmd/draftappt

.PHONY: test
test: ## run every test offline, with the race detector
	$(GO) test -race -count=1 ./...
	$(MAKE) --no-print-directory deploy-test

.PHONY: deploy-test
deploy-test: ## strict-decode the Kubernetes manifests, kustomize build, compose + env example checks
	cd deploy && $(GO) test -count=1 ./...

.PHONY: manifest-check
manifest-check: ## validate manifest.yaml against Slack's app-manifest JSON schema
	$(GO) test -count=1 -run 'TestManifest' -v ./internal/slackbot

.PHONY: lint
lint: ## gofmt, go vet and golangci-lint (pinned, installed into ./bin)
	@out=$$(gofmt -l cmd internal deploy); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	cd deploy && $(GO) vet ./...
	GOLANGCI_LINT_VERSION=$(GOLANGCI_LINT_VERSION) ./scripts/install-golangci-lint.sh $(BIN)
	$(BIN)/golangci-lint run ./...

.PHONY: bench
bench: ## run the benchmarks (date parsing and more)
	$(GO) test -run '^$$' -bench . -benchmem ./...

.PHONY: fuzz
fuzz: ## a short bounded run of every fuzz target (FUZZTIME=10s each)
	./scripts/fuzz.sh $(FUZZTIME)

.PHONY: demo
demo: ## play a whole Slack session offline (fake Slack + myKaarma sandbox) and print it
	$(GO) run ./cmd/draftappt demo

.PHONY: sandbox
sandbox: ## run the local myKaarma stand-in on :8090 (SANDBOX_ADDR to change)
	$(GO) run ./cmd/draftappt sandbox

.PHONY: run
run: ## run the bot with the environment of this shell (see README)
	$(GO) run ./cmd/draftappt serve

.PHONY: image
image: ## build draftappt:dev and draftappt:$(VERSION) (docker, else podman --runtime runc)
	VERSION=$(VERSION) ./scripts/image.sh

.PHONY: image-standins
image-standins: ## no registry access: local stand-ins for the base images (podman, ~2 min once)
	./scripts/podman-standins.sh
