# Certif — the two commands: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
BIN := bin/certif

.PHONY: run build test deps vet bench fuzz screenshots clean

## run: build and start the server on SQLite in ./data with the demo dataset.
## ADDR (listening address), DATA (data folder) and BASE_URL (public address for the links sent)
## change it: make run ADDR=0.0.0.0:8080 DATA=/srv/certif BASE_URL=http://certif.lan:8080
## The recipe execs the server, so that Ctrl-C stops it without make complaining.
ADDR ?= 127.0.0.1:8080
DATA ?= ./data
BASE_URL ?=
run: build
	exec ./$(BIN) serve --demo --addr '$(ADDR)' --data '$(DATA)'$(if $(BASE_URL), --base-url '$(BASE_URL)')

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/certif

## test: install what the tests need when missing, then vet and run every test
## (-timeout 40m: the web suite under -race takes over 10 minutes on two busy cores),
## then fuzz the readers of the candidates' files for 4 s each (under 30 s in all) (their seed corpus included)
INSPECT_FUZZ := FuzzDOCX FuzzPDFText FuzzMP4 FuzzWebM
test: deps vet
	$(GO) test -race -count=1 -timeout 40m ./...
	@for target in $(INSPECT_FUZZ); do \
	  $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime 4s -fuzzminimizetime 20x ./internal/inspect/ || exit 1; \
	done

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

## vet: gofmt, go mod tidy (go.mod must already be tidy), go vet and staticcheck
vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt: $$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## deps: Debian packages the tests use (Chromium for browser tests, poppler for PDFs)
deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi; \
	fi

## bench: Go benchmarks and the load test against a real `certif serve`
bench: build
	$(GO) test -run '^$$' -bench 'StaticFile|KeptPage|Referentiel|RatioToStatic' -benchmem -count 3 ./internal/web/
	$(GO) test -run '^$$' -bench 'MatricePage500' -benchtime 20x ./internal/web/
	$(GO) test -run '^$$' -bench 'PromotionMatrix500|Import100k|ImportWriteLock100k' -benchtime 1x ./internal/store/
	$(GO) test -run '^$$' -bench 'ReadCSV100k' -benchtime 1x ./internal/importer/
	$(GO) test -run '^$$' -bench 'RenderLivret' -benchtime 20x ./internal/document/
	$(GO) test -run '^$$' -bench 'PV200' -benchtime 10x ./internal/web/
	$(GO) test -run '^$$' -bench 'DocumentPDF35Pages|VideoMP4|ReadBytes' -benchtime 20x -benchmem ./internal/inspect/
	$(GO) test -run '^$$' -bench 'ConformityReport' -benchtime 10x ./internal/inspect/
	$(GO) run ./cmd/certif-load --bin ./$(BIN)
	$(GO) run ./cmd/certif-load upload --bin ./$(BIN)
	$(GO) test -run '^$$' -bench 'VerifyAudit100k' -benchtime 3x ./internal/store/
	$(GO) test -run '^$$' -bench 'LivretWriteLoad|AuditAppend' -benchtime 2000x ./internal/store/
	$(GO) run ./cmd/certif-load write --bin ./$(BIN) --clients 50 --duration 20s --engines sqlite,postgres
	$(GO) run ./cmd/certif-load grille --bin ./$(BIN) --jurors 50 --pairs 5 --duration 20s --engines sqlite,postgres

## fuzz: a short run (FUZZTIME each, 20s by default) of every Fuzz* target of every package.
## -fuzzminimizetime 20x: with the default 60 s per new input, a run of 20 s spends its time
## minimizing and barely fuzzes (the CSV target ran 13 inputs in 20 s).
FUZZTIME ?= 20s
fuzz:
	@set -e; for dir in $$(grep -rl --include='*_test.go' '^func Fuzz' cmd internal | xargs -n1 dirname | sort -u); do \
	  for target in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go | cut -d' ' -f2); do \
	    echo "== $$target ./$$dir/"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 20x ./$$dir/; \
	  done; \
	done

## screenshots: refresh testdata/screenshots from the browser tests
screenshots:
	CERTIF_SCREENSHOTS=1 $(GO) test -count=1 -run TestBrowser ./internal/web/

clean:
	rm -rf bin
