# ftpswiz — the commands a newcomer needs.
#   make run     the wizard (same as: go run ./cmd/ftpswiz)
#   make unit    the fast unit tests: no root, no lab (go test -short)
#   make test    every test, installing the Debian packages they drive (root)
#   make bench   the speed benchmarks

GO ?= go
FUZZTIME ?= 10s

.PHONY: run build install unit test test-deps check bench fuzz

run:
	$(GO) run ./cmd/ftpswiz

build:
	$(GO) build -o ftpswiz ./cmd/ftpswiz

install:
	$(GO) install ./cmd/ftpswiz

test-deps:
	./scripts/install-test-deps.sh

check:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test -short -count=1 ./...

test: test-deps check
	$(GO) test -count=1 -timeout 12m ./...
	$(MAKE) fuzz

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeAnswers$$' -fuzztime $(FUZZTIME) ./wizard/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./vsftpdconf/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./wizard/ ./wizard/tui/ ./generators/ ./cmd/ftpswiz/
