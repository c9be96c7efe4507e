package saml2nats.callout;

import io.micrometer.core.instrument.Counter;
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
import saml2nats.session.Identity;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves {@code $SYS.REQ.USER.AUTH} as a jnats service (so {@code nats micro ls}
 * shows it) in a queue group, so any number of replicas share the load.
 *
 * <p>The dispatcher thread only hands each request to a bounded worker pool; when
 * the pool's queue is full the request is refused at once with an empty reply (the
 * protocol's "no"), so under overload clients are refused and retry instead of
 * piling up until every one of them hits the server's timeout.
 */
public final class CalloutResponder implements AutoCloseable {
    public static final String SUBJECT = "$SYS.REQ.USER.AUTH";
    public static final String XKEY_HEADER = "Nats-Server-Xkey";
    public static final String SERVICE_NAME = "saml2nats";

    private static final Logger log = LoggerFactory.getLogger(CalloutResponder.class);

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
    /** Each worker's connection for replies (see the constructor). */
    private final ThreadLocal<Connection> replyPath;
    private final Authorizer authorizer;
    private final AuditLog audit;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Settings settings;
    private final Kicker kicker;
    private final ThreadPoolExecutor workers;
    private final Timer latency;
    private final ConcurrentHashMap<String, Counter> decisions = new ConcurrentHashMap<>();
    private Service service;

    public CalloutResponder(Connection nc, Authorizer authorizer, AuditLog audit, MeterRegistry registry,
                            Settings settings, Clock clock, Kicker kicker) {
        this(nc, List.of(), authorizer, audit, registry, settings, clock, kicker);
    }

    /**
     * @param replyConnections replies go out through these, one per worker. nats-server opens,
     *                         verifies and registers each reply on the goroutine of the connection
     *                         it arrived on: through one connection every authorization of the
     *                         server is checked one after another, and a storm queues there
     *                         however fast the workers are. Empty: replies use {@code nc}.
     */
    public CalloutResponder(Connection nc, List<Connection> replyConnections, Authorizer authorizer, AuditLog audit,
                            MeterRegistry registry, Settings settings, Clock clock, Kicker kicker) {
        this.kicker = kicker;
        this.nc = nc;
        List<Connection> paths = List.copyOf(replyConnections);
        AtomicInteger nextPath = new AtomicInteger();
        this.replyPath = ThreadLocal.withInitial(() -> paths.isEmpty() ? nc
                : paths.get(Math.floorMod(nextPath.getAndIncrement(), paths.size())));
        this.authorizer = authorizer;
        this.audit = audit;
        this.registry = registry;
        this.settings = settings;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new NewestFirst(settings.maxPending()), r -> {
                    Thread t = new Thread(r, "callout-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.latency = Timer.builder("saml2nats.callout.latency")
                .description("time from a request reaching the responder to its reply being sent")
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .register(registry);
    }

    /**
     * The waiting requests, newest first. Under a storm the oldest requests belong to
     * clients that are about to time out (or have); serving the newest lets those clients
     * in while they still wait, and the old ones are shed cheaply by max_wait when reached.
     * FIFO would serve everyone just too late, and their retries would pile on.
     */
    private static final class NewestFirst extends java.util.concurrent.LinkedBlockingDeque<Runnable> {
        NewestFirst(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Runnable r) {
            return offerFirst(r);
        }
    }

    public CalloutResponder start() {
        ServiceEndpoint endpoint = ServiceEndpoint.builder()
                .endpointName("authorize")
                .endpointSubject(SUBJECT)
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
        log.info("auth callout responder serving {} in queue group '{}' with {} workers",
                SUBJECT, settings.queueGroup(), settings.workers());
        return this;
    }

    /** Runs on the dispatcher thread: hand off, or refuse at once when full. */
    private void accept(ServiceMessage msg) {
        long start = System.nanoTime();
        try {
            workers.execute(() -> handle(msg, start));
        } catch (RejectedExecutionException e) {
            respond(msg, new byte[0]);
            Verdict.Denied overloaded = new Verdict.Denied(CalloutError.OVERLOADED,
                    "more than " + settings.maxPending() + " requests waiting", Optional.empty());
            finish(new Authorizer.Outcome(new byte[0], overloaded, Optional.empty()), start);
        }
    }

    private void handle(ServiceMessage msg, long start) {
        if (System.nanoTime() - start > settings.maxWait().toNanos()) {
            // shed: under a connect storm, work on requests whose clients are giving up turns a queue into collapse
            respond(msg, new byte[0]);
            finish(new Authorizer.Outcome(new byte[0], new Verdict.Denied(CalloutError.OVERLOADED,
                    "waited longer than " + settings.maxWait().toMillis() + " ms for a worker", Optional.empty()),
                    Optional.empty()), start);
            return;
        }
        String serverXkey = msg.hasHeaders() ? msg.getHeaders().getFirst(XKEY_HEADER) : null;
        Authorizer.Outcome outcome;
        try {
            outcome = authorizer.authorize(msg.getData(), serverXkey);
        } catch (RuntimeException e) {
            log.error("callout request failed unexpectedly", e);
            outcome = new Authorizer.Outcome(new byte[0],
                    new Verdict.Denied(CalloutError.INTERNAL, e.getClass().getSimpleName(), Optional.empty()), Optional.empty());
        }
        respond(msg, outcome.reply());
        if (outcome.verdict() instanceof Verdict.Allowed a && outcome.request().isPresent()) {
            kicker.connected(a.session(), outcome.request().get().serverId(), outcome.request().get().client().id());
        }
        finish(outcome, start);
    }

    private void respond(ServiceMessage msg, byte[] reply) {
        try {
            Connection path = replyPath.get();
            msg.respond(path.getStatus() == Connection.Status.CONNECTED ? path : nc, reply);
        } catch (RuntimeException e) {
            log.warn("could not send the callout reply ({}); the server will time the client out", e.toString());
        }
    }

    private void finish(Authorizer.Outcome outcome, long start) {
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        Verdict v = outcome.verdict();
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
            Identity who = a.session().identity();
            return new AuditEvent(clock.instant(), "connect", result, reason, "", a.session().id(), who.subject(),
                    who.email(), who.idp(), a.grant().roles(), a.grant().account(), client, a.expires());
        }
        Verdict.Denied d = (Verdict.Denied) v;
        Optional<Identity> who = d.session().map(s -> s.identity());
        return new AuditEvent(clock.instant(), "connect", result, reason, d.reason(),
                d.session().map(s -> s.id()).orElse(""),
                who.map(Identity::subject).orElse(""), who.map(Identity::email).orElse(""),
                who.map(Identity::idp).orElse(""), List.of(), "", client, null);
    }

    @Override
    public void close() {
        if (service != null) {
            try {
                service.stop();
            } catch (RuntimeException e) {
                log.debug("service stop: {}", e.toString());
            }
        }
        workers.shutdown();
        try {
            workers.awaitTermination(Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
