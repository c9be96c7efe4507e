package saml2nats.audit;

import java.time.Instant;
import java.util.List;

/**
 * One decision, as written to the audit log. Holds no secret by construction: there
 * is no field for a token, a seed or a JWT. Built by the factories below, one per kind
 * of decision, so every call site fills the same fields the same way.
 *
 * @param reason  the error code of a refusal ({@code UNKNOWN_TOKEN}, ...), or {@code OK}
 * @param session the session this was about; empty when none
 * @param client  the connection this was about; {@link Client#NONE} outside the callout
 * @param expires when what was granted ends; null when nothing was granted
 * @param traffic a connection's life as its server reported it (connection ledger lines); null otherwise
 */
public record AuditEvent(Instant time, Action action, Outcome outcome, String reason, String detail,
                         String session, Person person, List<String> roles, String account, Client client,
                         Instant expires, Traffic traffic) {
    /** The reason of every allowed decision that carries no other. */
    public static final String OK = "OK";
    /** A sign-in that made a session whose groups the mapping grants nothing. */
    public static final String NO_GRANT = "NO_GRANT";

    public enum Action {
        SIGN_IN("sign-in"), SIGN_OUT("sign-out"), CONNECT("connect"), CLI_SIGN_IN("cli-sign-in"),
        CLI_DEVICE_CODE("cli-device-code"), KICK("kick"),
        /** The connection ledger: a server reported a connection of ours open, or closed. */
        CONNECTION_OPENED("connection-opened"), CONNECTION_CLOSED("connection-closed"),
        /** A change the IdP's provisioning (SCIM) made, or a SCIM request refused. */
        SCIM("scim"),
        /** Key-bound creds issued, refused, or revoked through the account JWT. */
        CREDS("creds");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        /** As written in the log, which auditors' queries match on. */
        public String wire() {
            return wire;
        }
    }

    public enum Outcome {
        ALLOW, DENY;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Whom a decision was about, as far as it is known (empty strings otherwise). */
    public record Person(String subject, String email, String idp) {
        public Person {
            subject = subject == null ? "" : subject;
            email = email == null ? "" : email;
            idp = idp == null ? "" : idp;
        }

        public static Person unknown(String idp) {
            return new Person("", "", idp);
        }
    }

    public record Client(String host, String name, String lang, String version, String serverId, long clientId,
                         String kind) {
        public static final Client NONE = new Client("", "", "", "", "", 0, "");
    }

    /**
     * One connection's life on its server: where, since when, until when (null while open),
     * and what it moved, from the client's side: published = what it sent, delivered = what
     * the server sent it.
     */
    public record Traffic(String server, Instant since, Instant until, long publishedMsgs, long publishedBytes,
                          long deliveredMsgs, long deliveredBytes) {
        public static Traffic opened(String server, Instant since) {
            return new Traffic(server, since, null, 0, 0, 0, 0);
        }
    }

    /** Every decision but the ledger's: no traffic. */
    public AuditEvent(Instant time, Action action, Outcome outcome, String reason, String detail, String session,
                      Person person, List<String> roles, String account, Client client, Instant expires) {
        this(time, action, outcome, reason, detail, session, person, roles, account, client, expires, null);
    }

    public AuditEvent {
        roles = List.copyOf(roles);
        detail = detail == null ? "" : detail;
        session = session == null ? "" : session;
        account = account == null ? "" : account;
    }

    /** A browser sign-in that made a session with a grant. */
    public static AuditEvent signedIn(Instant at, String session, Person who, List<String> roles, String account,
                                      Instant expires) {
        return new AuditEvent(at, Action.SIGN_IN, Outcome.ALLOW, OK, "", session, who, roles, account, Client.NONE,
                expires);
    }

    /** A browser sign-in that made a session although the mapping grants it nothing (the page says why). */
    public static AuditEvent signedInWithoutGrant(Instant at, String why, String session, Person who, Instant expires) {
        return new AuditEvent(at, Action.SIGN_IN, Outcome.ALLOW, NO_GRANT, why, session, who, List.of(), "",
                Client.NONE, expires);
    }

    public static AuditEvent signInRefused(Instant at, Enum<?> code, String detail, Person who) {
        return new AuditEvent(at, Action.SIGN_IN, Outcome.DENY, code.name(), detail, "", who, List.of(), "",
                Client.NONE, null);
    }

    /** One session ended by its holder; {@code how} says from where (web, cli). */
    public static AuditEvent signedOut(Instant at, String how, String session, Person who) {
        return new AuditEvent(at, Action.SIGN_OUT, Outcome.ALLOW, OK, how, session, who, List.of(), "", Client.NONE,
                null);
    }

    /** Every session of a person ended by someone else (an admin, the IdP); {@code detail} says who and how many. */
    public static AuditEvent sessionsEnded(Instant at, String detail, Person who) {
        return new AuditEvent(at, Action.SIGN_OUT, Outcome.ALLOW, OK, detail, "", who, List.of(), "", Client.NONE,
                null);
    }

    public static AuditEvent signOutRefused(Instant at, Enum<?> code, String detail, Person who) {
        return new AuditEvent(at, Action.SIGN_OUT, Outcome.DENY, code.name(), detail, "", who, List.of(), "",
                Client.NONE, null);
    }

    /** A CLI session handed over by a signed-in browser; {@code how} is the hand-off (loopback, device). */
    public static AuditEvent cliSignedIn(Instant at, String how, String session, Person who, Instant expires) {
        return new AuditEvent(at, Action.CLI_SIGN_IN, Outcome.ALLOW, OK, how, session, who, List.of(), "",
                Client.NONE, expires);
    }

    public static AuditEvent cliCodeRefused(Instant at, Enum<?> code, String session, Person who) {
        return new AuditEvent(at, Action.CLI_DEVICE_CODE, Outcome.DENY, code.name(), "", session, who, List.of(), "",
                Client.NONE, null);
    }

    /** A NATS connection the callout let in, with what it was granted until when. */
    public static AuditEvent connected(Instant at, String session, Person who, List<String> roles, String account,
                                       Client client, Instant expires) {
        return new AuditEvent(at, Action.CONNECT, Outcome.ALLOW, OK, "", session, who, roles, account, client,
                expires);
    }

    /**
     * The connections of an ended session closed by the servers: {@code reason} is what ended it
     * (SIGN_OUT, IDP_LOGOUT, ADMIN, SCIM, ...), {@code detail} who, how many and how long from the
     * end to the last close.
     */
    public static AuditEvent kicked(Instant at, String session, Person who, Enum<?> cause, String by, int closed,
                                    java.time.Duration took) {
        return new AuditEvent(at, Action.KICK, Outcome.ALLOW, cause.name(), (by.isEmpty() ? "" : "by " + by + ": ")
                + closed + (closed == 1 ? " connection" : " connections") + " closed in " + took.toMillis() + " ms",
                session, who, List.of(), "", Client.NONE, null);
    }

    /**
     * A change made by the IdP's provisioning: {@code change} in {@code reason} (USER_DEACTIVATED,
     * GROUP_CHANGED, ...), and in {@code detail} what it did to live sessions.
     */
    public static AuditEvent provisioned(Instant at, Enum<?> change, String detail, Person who) {
        return new AuditEvent(at, Action.SCIM, Outcome.ALLOW, change.name(), detail, "", who, List.of(), "",
                Client.NONE, null);
    }

    /** A SCIM request refused (a wrong token, a malformed body): nothing changed. */
    public static AuditEvent provisioningRefused(Instant at, Enum<?> code, String detail, Person who) {
        return new AuditEvent(at, Action.SCIM, Outcome.DENY, code.name(), detail, "", who, List.of(), "",
                Client.NONE, null);
    }

    /** A user JWT issued for a user key the person's machine holds (proved), with its grant and end. */
    public static AuditEvent credsIssued(Instant at, String session, Person who, List<String> roles, String account,
                                         String userKey, Instant expires) {
        return new AuditEvent(at, Action.CREDS, Outcome.ALLOW, OK, "for user key " + userKey, session, who, roles,
                account, Client.NONE, expires);
    }

    /** A creds request refused: {@code code} why (BAD_PROOF, OTHER_KEY, ...); nothing was issued. */
    public static AuditEvent credsRefused(Instant at, Enum<?> code, String detail, String session, Person who) {
        return new AuditEvent(at, Action.CREDS, Outcome.DENY, code.name(), detail, session, who, List.of(), "",
                Client.NONE, null);
    }

    /**
     * A session's user key revoked in the account JWTs the servers hold ({@code reason} what ended the session,
     * {@code detail} how long the push took, or that it failed).
     */
    public static AuditEvent credsRevoked(Instant at, String session, Person who, Enum<?> cause, String detail) {
        return new AuditEvent(at, Action.CREDS, Outcome.ALLOW, cause.name(), detail, session, who, List.of(), "",
                Client.NONE, null);
    }

    /** The ledger: a server reports a connection of ours open (the callout's {@code connect} line is the decision). */
    public static AuditEvent connectionOpened(Instant at, String session, Person who, List<String> roles, String account,
                                              Client client, Traffic traffic) {
        return new AuditEvent(at, Action.CONNECTION_OPENED, Outcome.ALLOW, OK, "", session, who, roles, account, client,
                null, traffic);
    }

    /**
     * The ledger: a server reports a connection of ours closed; {@code reason} is the server's
     * reason as a code ({@code CLIENT_CLOSED}, {@code KICKED}, ...), {@code detail} its own words.
     */
    public static AuditEvent connectionClosed(Instant at, String reason, String serverWords, String session, Person who,
                                              List<String> roles, String account, Client client, Traffic traffic) {
        return new AuditEvent(at, Action.CONNECTION_CLOSED, Outcome.ALLOW, reason, serverWords, session, who, roles,
                account, client, null, traffic);
    }

    public static AuditEvent connectRefused(Instant at, Enum<?> code, String detail, String session, Person who,
                                            Client client) {
        return new AuditEvent(at, Action.CONNECT, Outcome.DENY, code.name(), detail, session, who, List.of(), "",
                client, null);
    }
}
