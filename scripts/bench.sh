#!/usr/bin/env bash
# make bench: JMH microbenchmarks of one authorization and one SAML validation, in one
# JVM run so ratios compare like with like. Results: target/bench/jmh.json and
# target/bench/summary.txt (ratios). BENCH_ARGS passes options to JMH (e.g. "-wi 1 -i 2").
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
# the connect storm: N clients within one second, callout vs plain token in the same run (LOAD_N=1000,5000,10000)
rm -f target/bench/load.txt
java -cp "$cp" saml2nats.bench.LoadBench 2>target/bench/load.log
# resident memory of the service with 0 and 100,000 sessions (MEMORY_SESSIONS), in a JVM of its own
java -cp "$cp" saml2nats.bench.MemoryBench 2>/dev/null | tee -a target/bench/summary.txt
