package saml2nats.scim;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What each IdP's SCIM client did lately, as this replica heard it: its last request, its last
 * refused one and why, and how many of each. An IdP whose pushes stopped, or all fail, shows on the
 * admin page before a deprovisioned person's access outlives the company's word. In memory only.
 */
public final class ScimActivity {
    /** A request heard: when, its outcome ({@code OK} or the {@link ScimError}) and, when refused, why. */
    public record Heard(Instant at, String outcome, String detail) { }

    /**
     * One SCIM client's activity. {@code idp} is empty for requests whose token named no IdP.
     */
    public record Status(String idp, Optional<Heard> last, Optional<Heard> lastRefused, long requests, long refused) { }

    private record Tally(LongAdder requests, LongAdder refused) {
        Tally() {
            this(new LongAdder(), new LongAdder());
        }
    }

    private final Clock clock;
    private final List<String> idps;
    private final Map<String, Heard> last = new ConcurrentHashMap<>();
    private final Map<String, Heard> lastRefused = new ConcurrentHashMap<>();
    private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

    ScimActivity(Clock clock, List<String> idps) {
        this.clock = clock;
        this.idps = List.copyOf(idps);
    }

    /** A request from {@code idp}'s client (empty: an unknown caller) answered with {@code outcome}. */
    public void heard(String idp, String outcome, String detail) {
        Heard h = new Heard(clock.instant(), outcome, detail);
        Tally t = tallies.computeIfAbsent(idp, k -> new Tally());
        t.requests().increment();
        last.put(idp, h);
        if (!outcome.equals("OK")) {
            t.refused().increment();
            lastRefused.put(idp, h);
        }
    }

    /** Each configured SCIM client's status, then unknown callers' when there were any. */
    public List<Status> all() {
        java.util.ArrayList<Status> out = new java.util.ArrayList<>();
        idps.forEach(idp -> out.add(of(idp)));
        if (tallies.containsKey("")) {
            out.add(of(""));
        }
        return out;
    }

    private Status of(String idp) {
        Tally t = tallies.getOrDefault(idp, new Tally());
        return new Status(idp, Optional.ofNullable(last.get(idp)), Optional.ofNullable(lastRefused.get(idp)),
                t.requests().sum(), t.refused().sum());
    }
}
