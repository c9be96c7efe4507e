# The two commands a newcomer needs: `make run` and `make test`. Each installs what it needs.
.PHONY: run test build nats-server clean

run: build nats-server
	bash scripts/run-dev.sh

test: nats-server
	mvn -B -ntp verify

build:
	mvn -B -ntp -q -DskipTests package

nats-server:
	@bash scripts/nats-server.sh > /dev/null

clean:
	mvn -B -ntp -q clean
