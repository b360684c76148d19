# ftpswiz — the commands a newcomer needs.
#   make run     the wizard (same as: go run ./cmd/ftpswiz)
#   make unit    the fast unit tests: no root, no lab (go test -short)
#   make test    every test, installing the Debian packages they drive (root)
#   make bench   the speed benchmarks
#   make release dist/: binary, completions, man pages, .tar.gz, .deb, .rpm, SHA256SUMS

GO ?= go
FUZZTIME ?= 10s
# The linter, pinned; its settings are in staticcheck.conf.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# The release version: the nearest v* tag (git describe), else a
# development version naming the commit. SOURCE_DATE_EPOCH (the commit
# time) fixes every timestamp in the artefacts.
VERSION ?= $(shell git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || \
	echo v0.0.0-dev.$$(git log -1 --format=%ct)+$$(git rev-parse --short=12 HEAD))
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct)

.PHONY: run build install unit test test-deps check bench fuzz release man

run:
	$(GO) run ./cmd/ftpswiz

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o ftpswiz ./cmd/ftpswiz

# The man pages of every command, into man/ (not committed).
man:
	$(GO) run ./cmd/ftpswiz man --dir man/man1

# Release artefacts in dist/ (git-ignored), built offline from the module
# cache by tools/release (nfpm as a library; packaging/nfpm.yaml).
release:
	SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) GOFLAGS=-mod=readonly $(GO) run -C tools/release . -root ../.. -version $(VERSION)

install:
	$(GO) install ./cmd/ftpswiz

test-deps:
	./scripts/install-test-deps.sh

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	cd tools/release && $(GO) vet ./...
	$(STATICCHECK) ./...

unit:
	$(GO) test -short -count=1 ./...

# release first: internal/release installs the .deb it built.
test: test-deps check release
	$(GO) test -count=1 -timeout 12m ./...
	$(MAKE) fuzz

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeAnswers$$' -fuzztime $(FUZZTIME) ./wizard/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./vsftpdconf/
	$(GO) test -run '^$$' -fuzz '^FuzzPipeline$$' -fuzztime $(FUZZTIME) ./generators/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./wizard/ ./wizard/tui/ ./generators/ ./cmd/ftpswiz/
