# Koe: `make demo` runs Koe with demo data on the embedded database; `make test` runs every test.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: demo test lint bench eval load importload build postgres

demo: postgres
	$(GO) run -ldflags "-X main.version=$(VERSION)" ./cmd/koe demo

test: postgres
	$(GO) test -race -count=1 ./...

# staticcheck runs at a pinned version, fetched through the Go module proxy on first use.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	$(GO) run $(STATICCHECK) ./...

bench: postgres
	$(GO) test -run '^$$' -bench . -benchmem -count=1 ./...

# Quality on the labelled data beside the checkout (../shared/data, skipped when absent): request
# matching (BANKING77 and across Japanese/English), JSTS similarity, sentiment, each with its time.
eval:
	$(GO) run ./cmd/koe eval

# A bounded load run on loopback (60 s): the public roadmap, voices posted to the API and the
# staff backlog at once; prints throughput, p50, p99 and errors per stream.
load: postgres
	$(GO) run ./cmd/koe-load -duration $${LOAD_DURATION:-60s}

# koe ingest of 200,000 voices into a database with 10,000 requests, then the same file again:
# wall, Go and PostgreSQL CPU and voices/s of each run.
importload: postgres
	$(GO) run ./cmd/koe-importload

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/koe ./cmd/koe

# The PostgreSQL server binaries the embedded database and the tests start a cluster from.
postgres:
	@scripts/ensure-postgres.sh
