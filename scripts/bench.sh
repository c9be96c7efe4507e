#!/usr/bin/env bash
# make bench: JMH microbenchmarks of one authorization and one SAML validation (in one JVM
# run so ratios compare like with like), the connect and reconnect storms, and memory.
# Results in target/bench/: jmh.json, summary.txt (ratios, memory), load.txt (storms).
# BENCH_ARGS passes options to JMH (e.g. "-wi 1 -i 2"); LOAD_N and LOAD_PROFILE: see below.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p target/bench
mvn -B -ntp -q -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench/classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench/classpath.txt)"
java -cp "$cp" org.openjdk.jmh.Main -rf json -rff target/bench/jmh.json ${BENCH_ARGS:-} 'saml2nats\..*Bench' \
    | tee target/bench/jmh.txt
java -cp "$cp" saml2nats.bench.BenchReport target/bench/jmh.json | tee target/bench/summary.txt
# the storms: N clients within one second, callout vs plain token in the same run (LOAD_N=1000,5000,10000), then a
# nats-server restart under them; LOAD_PROFILE=1 also profiles nats-server (pprof) and this JVM (JFR) in the biggest
rm -f target/bench/load.txt target/bench/nats-cpu.pprof target/bench/nats-goroutines.txt target/bench/load.jfr
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true # 10,000 clients are 10,000 sockets here and 10,000 in nats-server
jfr=()
if [ -n "${LOAD_PROFILE:-}" ]; then
    jfr=("-XX:StartFlightRecording=filename=target/bench/load.jfr,settings=profile")
fi
java "${jfr[@]}" -cp "$cp" saml2nats.bench.LoadBench 2>target/bench/load.log
# resident memory of the service with 0 and 100,000 sessions (MEMORY_SESSIONS), in a JVM of its own
java -cp "$cp" saml2nats.bench.MemoryBench 2>/dev/null | tee -a target/bench/summary.txt
# heap per live connection in the connection ledger's view (LEDGER_CONNECTIONS, default 100,000)
java -cp "$cp" saml2nats.connections.LedgerMemoryBench 2>/dev/null | tee -a target/bench/summary.txt
# revocation latency on a three-server operator cluster, key-bound creds vs token via callout (REVOCATIONS, default 100)
java -cp "$cp" saml2nats.bench.RevocationLatencyBench 2>target/bench/revocation.log | tee -a target/bench/summary.txt
