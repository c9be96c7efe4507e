package saml2nats.callout;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import io.nats.service.ServiceMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import saml2nats.audit.AuditEvent;
import saml2nats.audit.AuditLog;
import saml2nats.connections.Refusals;
import saml2nats.session.Identity;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@code $SYS.REQ.USER.AUTH} as a jnats service (so {@code nats micro ls}
 * shows it) in a queue group, so any number of replicas share the load.
 *
 * <p>The dispatcher thread only puts each request in the {@link Backlog} that the
 * workers serve; when it is full, or a request has waited longer than max_wait, the
 * request is refused at once with an empty reply (the protocol's "no", which costs
 * nats-server nothing to check), so under overload clients are refused and retry
 * instead of piling up until every one of them hits the server's timeout.
 */
public final class CalloutResponder implements AutoCloseable {
    public static final String SERVICE_NAME = "saml2nats";

    private static final Logger log = LoggerFactory.getLogger(CalloutResponder.class);

    /** Answers per worker connection inside nats-server at most (see {@link AnswerWindow}); a burst needs hundreds. */
    private static final int WINDOW_MOST = 1024;
    /**
     * How long an answer may wait inside nats-server before the window shrinks: a quarter of
     * the clients' usual 2 s connect timeout, the rest being the server's work before the request
     * reaches us and ours. Chosen by the connect-storm benchmark (250 ms and 500 ms tried, 500 ms
     * better for bursts and alike for storms; docs/BENCHMARKS.md).
     */
    private static final Duration ANSWER_TARGET = Duration.ofMillis(500);

    /**
     * @param queueGroup replicas in one group share requests
     * @param workers    threads that verify, sign and seal (about the number of cores)
     * @param maxPending requests allowed to wait for a worker before new ones are refused
     * @param maxWait    a request that waited longer for a worker is refused unread (no crypto spent on it):
     *                   its client is about to time out, and its answer would come too late to matter
     */
    public record Settings(String queueGroup, int workers, int maxPending, java.time.Duration maxWait) {
        public Settings {
            if (workers < 1 || maxPending < 1) {
                throw new IllegalArgumentException("callout.workers and callout.max_pending must be at least 1");
            }
        }
    }

    private final Connection nc;
    /** The connections replies go out through, taken in turn (see the constructor). */
    private final List<Connection> replyPaths;
    private final Authorizer authorizer;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Settings settings;
    private final Backlog<Pending> backlog;
    private final List<Thread> workers = new java.util.ArrayList<>();
    private final List<AnswerWindow> windows = new java.util.ArrayList<>();
    private volatile boolean closing;
    private final Timer latency;
    private final ConcurrentHashMap<String, Counter> decisions = new ConcurrentHashMap<>();
    private Service service;

    public CalloutResponder(Connection nc, Authorizer authorizer, AuditLog audit, MeterRegistry registry,
                            Settings settings, Clock clock) {
        this(nc, List.of(), authorizer, audit, registry, settings, clock);
    }

    /**
     * @param replyConnections answers go out through these, one per worker. nats-server opens,
     *                         verifies and registers each answer on the goroutine of the connection
     *                         it arrived on: through one connection every authorization of the
     *                         server is checked one after another. Empty: answers use {@code nc}.
     *                         Refusals of requests never worked on go out through {@code nc}.
     */
    private Optional<Refusals> refusals = Optional.empty();

    public CalloutResponder(Connection nc, List<Connection> replyConnections, Authorizer authorizer, AuditLog audit,
                            MeterRegistry registry, Settings settings, Clock clock) {
        this.nc = nc;
        this.replyPaths = replyConnections.isEmpty() ? List.of(nc) : List.copyOf(replyConnections);
        this.authorizer = authorizer;
        this.audit = audit;
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        this.backlog = new Backlog<>(settings.maxPending(), settings.maxWait(), System::nanoTime);
        this.latency = Timer.builder("saml2nats.callout.latency")
                .description("time from a request reaching the responder to its reply being sent")
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .register(registry);
    }

    /** A request as it arrived, waiting for a worker. */
    private record Pending(ServiceMessage msg, long start) { }

    public CalloutResponder start() {
        ServiceEndpoint endpoint = ServiceEndpoint.builder()
                .endpointName("authorize")
                .endpointSubject(Protocol.AUTH_SUBJECT)
                .endpointQueueGroup(settings.queueGroup())
                .handler(this::accept)
                .build();
        service = new ServiceBuilder()
                .connection(nc)
                .name(SERVICE_NAME)
                .description("SAML sign-in to NATS: auth callout responder")
                .version("0.1.0")
                .addServiceEndpoint(endpoint)
                .build();
        service.startService();
        // one window per connection: workers sharing a connection share its window (and its one prober's PINGs)
        for (int c = 0; c < Math.min(settings.workers(), replyPaths.size()); c++) {
            // patience max_wait: an answer unconfirmed that long frees its room anyway (measured: waiting for the
            // PONG up to the clients' 2 s instead held workers through bursts the server was clearing, 0.27 of the
            // plain rate at 1,000 clients instead of 0.6 to 0.7)
            windows.add(new AnswerWindow(replyPaths.get(c), WINDOW_MOST, ANSWER_TARGET,
                    settings.maxWait().toMillis() > 0 ? settings.maxWait() : Duration.ofMillis(1), "callout-window-" + (c + 1)));
        }
        for (int i = 1; i <= settings.workers(); i++) {
            AnswerWindow window = windows.get((i - 1) % windows.size());
            Thread t = new Thread(() -> work(window), "callout-" + i);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        Gauge.builder("saml2nats.callout.window", windows, ws -> ws.stream().mapToInt(AnswerWindow::limit).sum())
                .description("answers allowed inside nats-server at once, all workers together; shrinks when it lags")
                .register(registry);
        log.info("auth callout responder serving {} in queue group '{}' with {} workers",
                Protocol.AUTH_SUBJECT, settings.queueGroup(), settings.workers());
        return this;
    }

    /** Runs on the dispatcher thread: hand off, or refuse at once when full; and refuse what waited too long. */
    private void accept(ServiceMessage msg) {
        long start = System.nanoTime();
        for (Pending old : backlog.expired()) { // first, so stale requests do not take a fresh one's place
            shed(old, "waited longer than " + settings.maxWait().toMillis() + " ms for a worker");
        }
        if (closing || !backlog.offer(new Pending(msg, start))) {
            shed(new Pending(msg, start), closing ? "the service is stopping"
                    : "more than " + settings.maxPending() + " requests waiting");
        }
    }

    /** A worker: takes a request only when its connection has room for the answer (see {@link AnswerWindow}). */
    private void work(AnswerWindow window) {
        while (!closing || backlog.size() > 0) {
            Backlog.Taken<Pending> next;
            try {
                window.acquire();
                next = backlog.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (next == null) {
                window.release();
            } else if (next.waitedNanos() > settings.maxWait().toNanos()) {
                window.release();
                // shed: under a connect storm, work on requests whose clients are giving up turns a queue into collapse
                shed(next.item(), "waited longer than " + settings.maxWait().toMillis() + " ms for a worker");
            } else {
                boolean throughWindow = false;
                try {
                    throughWindow = handle(next.item().msg(), next.item().start(), window.path());
                } catch (Throwable t) { // a worker must outlive any one request, and give its room back
                    log.error("callout worker failed on a request", t);
                } finally {
                    if (throughWindow) {
                        window.sent();
                    } else {
                        window.release();
                    }
                }
            }
        }
    }

    /** Refused unread, no crypto spent: the empty reply is the protocol's "no". */
    private void shed(Pending p, String why) {
        send(p.msg(), new byte[0], nc);
        finish(new Authorizer.Outcome(new byte[0], new Verdict.Denied(CalloutError.OVERLOADED, why, Optional.empty()),
                Optional.empty()), p.start());
    }

    /** @return whether the answer went out through {@code path} (false: through {@code nc}, or not at all) */
    private boolean handle(ServiceMessage msg, long start, Connection path) {
        String serverXkey = msg.hasHeaders() ? msg.getHeaders().getFirst(Protocol.XKEY_HEADER) : null;
        Authorizer.Outcome outcome;
        try {
            outcome = authorizer.authorize(msg.getData(), serverXkey);
        } catch (RuntimeException e) {
            log.error("callout request failed unexpectedly", e);
            outcome = new Authorizer.Outcome(new byte[0],
                    new Verdict.Denied(CalloutError.INTERNAL, e.getClass().getSimpleName(), Optional.empty()), Optional.empty());
        }
        Connection used = send(msg, outcome.reply(), path);
        finish(outcome, start);
        return used == path;
    }

    /** @return the connection the reply went out through: {@code path}, {@code nc} while path reconnects, or null */
    private Connection send(ServiceMessage msg, byte[] reply, Connection path) {
        Connection through = path.getStatus() == Connection.Status.CONNECTED ? path : nc;
        try {
            msg.respond(through, reply);
            return through;
        } catch (RuntimeException e) {
            log.warn("could not send the callout reply ({}); the server will time the client out", e.toString());
            return null;
        }
    }

    /**
     * Refused connects of a known person are also kept for that person to read (their page,
     * {@code whoami}); set before {@link #start}.
     */
    public CalloutResponder remembering(Refusals refusals) {
        this.refusals = Optional.of(refusals);
        return this;
    }

    private void finish(Authorizer.Outcome outcome, long start) {
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        Verdict v = outcome.verdict();
        if (v instanceof Verdict.Denied d && d.session().isPresent()) {
            refusals.ifPresent(r -> r.refused(d.session().get().identity(), d.code().name(), d.reason()));
        }
        String reason = v instanceof Verdict.Denied d ? d.code().name() : "OK";
        String result = v instanceof Verdict.Allowed ? "allow" : "deny";
        decisions.computeIfAbsent(result + "/" + reason, k -> Counter.builder("saml2nats.callout.decisions")
                .description("authorization decisions by outcome and reason")
                .tag("outcome", result).tag("reason", reason).register(registry)).increment();
        audit.record(auditEvent(outcome, result, reason));
    }

    private AuditEvent auditEvent(Authorizer.Outcome outcome, String result, String reason) {
        AuditEvent.Client client = outcome.request().map(r -> new AuditEvent.Client(r.client().host(), r.client().name(),
                r.client().lang(), r.client().version(), r.serverId(), r.client().id(), r.client().kind()))
                .orElse(AuditEvent.Client.NONE);
        Verdict v = outcome.verdict();
        if (v instanceof Verdict.Allowed a) {
            return AuditEvent.connected(clock.instant(), a.session().id(), person(a.session().identity()),
                    a.grant().roles(), a.grant().account(), client, a.expires());
        }
        Verdict.Denied d = (Verdict.Denied) v;
        return AuditEvent.connectRefused(clock.instant(), d.code(), d.reason(), d.session().map(s -> s.id()).orElse(""),
                d.session().map(s -> person(s.identity())).orElse(AuditEvent.Person.unknown("")), client);
    }

    private static AuditEvent.Person person(Identity who) {
        return new AuditEvent.Person(who.subject(), who.email(), who.idp());
    }

    @Override
    public void close() {
        if (service != null) {
            try {
                // draining flushes, which waits for a connection that is down: stop at once then
                service.stop(nc.getStatus() == Connection.Status.CONNECTED);
            } catch (RuntimeException e) {
                log.debug("service stop: {}", e.toString());
            }
        }
        closing = true; // workers finish what is waiting, then stop
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, (until - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            t.interrupt();
        }
        windows.forEach(AnswerWindow::close);
        for (Pending left : backlog.drain()) { // workers gone: answer what still waits rather than leave it to time out
            shed(left, "the service is stopping");
        }
    }
}
