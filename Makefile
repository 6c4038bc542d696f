# Knock: make run opens the window, make test runs every check.
GO      ?= go
BIN     := bin/knock
VERSION := $(shell sed -n 's/^ *Version = "\(.*\)"/\1/p' FyneApp.toml)

.PHONY: run build test bench deps clean

run: build
	$(BIN)

build: deps
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

deps:
	@.ci/deps.sh build

test:
	.ci/test.sh

bench:
	.ci/bench.sh

clean:
	rm -rf bin test-artifacts
