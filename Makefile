# The two commands a newcomer needs: `make run` and `make test`. Each installs what it needs.
.PHONY: run test bench build nats-server nats-server-newest e2e-deps clean

run: build nats-server
	bash scripts/run-dev.sh

test: nats-server nats-server-newest e2e-deps
	mvn -B -ntp verify

# JMH steps of one authorization, connect and reconnect storms, memory (docs/BENCHMARKS.md)
bench:
	bash scripts/bench.sh

build:
	mvn -B -ntp -q -DskipTests package

nats-server:
	@bash scripts/nats-server.sh > /dev/null

# the newest nats-server (2.15.x, Debian sid) beside 2.10.x: make test runs the server suites on both
nats-server-newest:
	@bash scripts/nats-server.sh sid > /dev/null

# Debian's chromium + chromium-driver and Keycloak (25.x, on the Java 17 at hand), for the end-to-end tests
e2e-deps:
	@bash scripts/browser.sh
	@bash scripts/keycloak.sh > /dev/null

clean:
	mvn -B -ntp -q clean
