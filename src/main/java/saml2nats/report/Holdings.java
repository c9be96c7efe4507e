package saml2nats.report;

import saml2nats.json.JsonException;
import saml2nats.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who held which grant when, read from the service's audit log (one JSON line per decision):
 * per person and role, the first and last connect, how many connects were let in, in how many
 * sessions, how many of those sessions the person ended (sign-out) and how often the company cut
 * them off (IdP logout, an admin, SCIM, a mapping edit, a restart). A line that cannot be read is
 * named by its number and skipped; the rest still counts.
 */
public final class Holdings {
    /** Only lines at or after {@code since} and before {@code until} count; either may be open. */
    public record Window(Optional<Instant> since, Optional<Instant> until) {
        public static final Window ALL = new Window(Optional.empty(), Optional.empty());

        public Window {
            if (since.isPresent() && until.isPresent() && !since.get().isBefore(until.get())) {
                throw new IllegalArgumentException("--since " + since.get() + " is not before --until " + until.get());
            }
        }

        boolean holds(Instant t) {
            return since.map(s -> !t.isBefore(s)).orElse(true) && until.map(t::isBefore).orElse(true);
        }
    }

    /** One person's holding of one role in the window; {@code firstConnect}/{@code lastConnect} null when never connected. */
    public record Holding(String idp, String subject, String email, String role, String account, Instant firstConnect,
                          Instant lastConnect, int connects, int sessions, int signOuts, int revocations) { }

    /** A line that was skipped, and why. */
    public record Skipped(long line, ReportError code, String reason) {
        /** The code and the reason, as every format and the command's stderr say it. */
        public String words() {
            return code + ": " + reason;
        }
    }

    /** Skipped lines kept to show; past these only the count grows (a wrong file would fill the report). */
    static final int SHOWN_SKIPPED = 100;

    /** The kick causes that are the person's own doing (session/Ending.Cause names, as the audit writes them). */
    private static final Set<String> OWN = Set.of("SIGN_OUT", "CLI_LOGOUT", "SIGN_OUT_EVERYWHERE");
    /** A replica that learnt of an end from another writes this; the other replica's line has the cause. */
    private static final String ELSEWHERE = "ELSEWHERE";

    private record Person(String idp, String subject) { }

    private record Key(Person person, String role) { }

    private static final class Tally {
        String account = "";
        Instant first;
        Instant last;
        int connects;
        final Set<String> sessions = new HashSet<>();
    }

    private static final class SessionFacts {
        Person person;
        final Set<String> roles = new LinkedHashSet<>();
        String account = "";
        boolean signedOut;
        int revocations;
    }

    private final Window window;
    private final Map<Key, Tally> tallies = new HashMap<>();
    private final Map<String, SessionFacts> sessions = new HashMap<>();
    private final Map<Person, String> emails = new HashMap<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private long skippedCount;
    private long lines;

    public Holdings(Window window) {
        this.window = window;
    }

    /** Reads every line of an audit log. */
    public static Holdings read(BufferedReader in, Window window) throws IOException {
        Holdings h = new Holdings(window);
        String text;
        long n = 0;
        while ((text = in.readLine()) != null) {
            h.line(++n, text);
        }
        return h;
    }

    /** Takes line {@code number} of the log into account, or records why it was skipped. Blank lines are ignored. */
    public void line(long number, String text) {
        if (text.isBlank()) {
            return;
        }
        lines++;
        JsonObject o;
        try {
            o = JsonObject.parse(text);
        } catch (JsonException e) {
            skip(number, ReportError.NOT_JSON, e.getMessage());
            return;
        }
        Optional<String> time = o.text("time");
        Optional<String> action = o.text("action");
        if (time.isEmpty() || action.isEmpty()) {
            skip(number, ReportError.NOT_AN_AUDIT_LINE, "no \"time\" or \"action\": not a saml2nats audit line");
            return;
        }
        Instant at;
        try {
            at = Instant.parse(time.get());
        } catch (DateTimeParseException e) {
            skip(number, ReportError.BAD_TIME, "\"time\" is '" + time.get() + "', not an ISO-8601 instant");
            return;
        }
        if (window.holds(at)) {
            take(at, action.get(), o);
        }
    }

    private void take(Instant at, String action, JsonObject o) {
        boolean allowed = o.text("outcome").orElse("").equals("allow");
        String session = o.text("session").orElse("");
        Person who = new Person(o.text("idp").orElse(""), o.text("subject").orElse(""));
        o.text("email").filter(e -> !e.isEmpty()).ifPresent(e -> emails.put(who, e));
        String reason = o.text("reason").orElse("");
        switch (action) {
            case "connect" -> {
                if (!allowed) {
                    return;
                }
                List<String> roles = o.texts("roles");
                String account = o.text("account").orElse("");
                for (String role : roles) {
                    Tally t = tallies.computeIfAbsent(new Key(who, role), k -> new Tally());
                    t.account = account;
                    t.first = t.first == null || at.isBefore(t.first) ? at : t.first;
                    t.last = t.last == null || at.isAfter(t.last) ? at : t.last;
                    t.connects++;
                    if (!session.isEmpty()) {
                        t.sessions.add(session);
                    }
                }
                facts(session, who).ifPresent(f -> f.roles.addAll(roles));
            }
            case "sign-in" -> {
                if (allowed) {
                    facts(session, who).ifPresent(f -> {
                        f.roles.addAll(o.texts("roles"));
                        f.account = o.text("account").orElse("");
                    });
                }
            }
            case "sign-out" -> {
                if (allowed) {
                    facts(session, who).ifPresent(f -> f.signedOut = true);
                }
            }
            case "kick" -> facts(session, who).ifPresent(f -> {
                if (OWN.contains(reason)) {
                    f.signedOut = true;
                } else if (!reason.equals(ELSEWHERE)) {
                    f.revocations++;
                }
            });
            default -> { }
        }
    }

    private Optional<SessionFacts> facts(String session, Person who) {
        if (session.isEmpty()) {
            return Optional.empty();
        }
        SessionFacts f = sessions.computeIfAbsent(session, k -> new SessionFacts());
        if (f.person == null && !who.subject().isEmpty()) {
            f.person = who;
        }
        return Optional.of(f);
    }

    private void skip(long number, ReportError code, String reason) {
        skippedCount++;
        if (skipped.size() < SHOWN_SKIPPED) {
            skipped.add(new Skipped(number, code, reason));
        }
    }

    /**
     * Every person's holding of every role they signed in or connected under, by IdP, person, then
     * role; one that never connected has no connect times. Sign-outs and revocations count the
     * sessions that held the role (a session's roles are those of its sign-in and of its connects).
     */
    public List<Holding> holdings() {
        Map<Key, int[]> ends = new HashMap<>(); // sessions, sign-outs, revocations
        Map<Key, String> accounts = new HashMap<>();
        for (SessionFacts f : sessions.values()) {
            if (f.person == null) {
                continue;
            }
            for (String role : f.roles) {
                Key k = new Key(f.person, role);
                int[] e = ends.computeIfAbsent(k, x -> new int[3]);
                e[0]++;
                e[1] += f.signedOut ? 1 : 0;
                e[2] += f.revocations;
                accounts.putIfAbsent(k, f.account);
            }
        }
        Set<Key> keys = new HashSet<>(tallies.keySet());
        keys.addAll(ends.keySet());
        List<Holding> out = new ArrayList<>();
        for (Key k : keys) {
            Tally t = tallies.getOrDefault(k, new Tally());
            int[] e = ends.getOrDefault(k, new int[3]);
            out.add(new Holding(k.person().idp(), k.person().subject(), emails.getOrDefault(k.person(), ""), k.role(),
                    t.account.isEmpty() ? accounts.getOrDefault(k, "") : t.account, t.first, t.last, t.connects,
                    Math.max(e[0], t.sessions.size()), e[1], e[2]));
        }
        out.sort(Comparator.comparing(Holding::idp).thenComparing(Holding::subject).thenComparing(Holding::role));
        return out;
    }

    /** The first {@value #SHOWN_SKIPPED} skipped lines. */
    public List<Skipped> skipped() {
        return List.copyOf(skipped);
    }

    public long skippedCount() {
        return skippedCount;
    }

    /** Lines read that were not blank. */
    public long lines() {
        return lines;
    }

    public Window window() {
        return window;
    }
}
