// Package benchmark is the harness behind `make bench`: it measures Knock
// against baselines taken in the same run, on 127.0.0.1 only, and writes
// bench/results.json.
//
// The figures (see TestBench in bench_test.go, built with -tags bench):
//
//   - the send pipeline (engine.Send) against a bare net/http client loop;
//   - `knock run` over a generated 1,000-request collection (800 GETs, 100
//     Basic, 100 Digest, each with a status assertion) against newman, the
//     Bruno CLI and a bare compiled net/http program (bareloop) sending the
//     same requests;
//   - `knock run` over 20 responses of 5 MB against newman, for peak RSS;
//   - window start (exec to first painted frame) and idle RSS with 1,000
//     saved requests, against a bare Fyne window (barewindow) under Xvfb;
//   - the response viewer on large JSON bodies (the bodyview package's own
//     benchmarks), against the time `knock send -o` takes to download them;
//   - the store's benchmarks (storage/bench_test.go), in absolute times;
//   - the Postman import of 10,000 requests against a plain encoding/json
//     decode of the same file.
//
// The servers are in-process: small JSON GETs, Basic, Digest (RFC 7616,
// MD5, qop=auth: the response is checked by go-httpbin's digest package,
// the challenge and the nonce bookkeeping are ours) and a streamed large body. Every client's requests
// are counted on the server, so a client that silently sends nothing, or
// whose auth fails, fails the benchmark instead of looking fast.
package benchmark
