# Knock: make run opens the window, make test runs every check.
GO      ?= go
BIN     := bin/knock
VERSION := $(shell sed -n 's/^ *Version = "\(.*\)"/\1/p' FyneApp.toml)
# no_emoji leaves out Fyne's bundled 4 MB colour emoji font, which Fyne
# parses again for every text style: it cost 26 MiB of the window's memory.
# Emoji still show where a system font has them.
TAGS    := no_emoji

.PHONY: run build test bench deps clean

run: build
	$(BIN)

build: deps
	$(GO) build -tags $(TAGS) -ldflags "-X main.version=$(VERSION)" -o $(BIN) .

deps:
	@.ci/deps.sh build

test:
	.ci/test.sh

bench:
	.ci/bench.sh

clean:
	rm -rf bin test-artifacts
