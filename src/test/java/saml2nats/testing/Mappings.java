package saml2nats.testing;

/** Mapping files the integration tests share. */
public final class Mappings {
    private Mappings() { }

    /**
     * Developers (DEV), operators (OPS), a 2-second role, and a subscribe-only and a publish-only
     * role (their other direction is closed), with shared subjects to test isolation.
     */
    public static final String MATRIX = """
            defaults: { ttl: 1h }
            roles:
              - name: developers
                when: { groups: [eng-developers] }
                account: DEV
                publish:   { allow: ["dev.>", "shared.>", "user.{{idp}}.{{username}}.>"], deny: ["dev.secret.>"] }
                subscribe: { allow: ["dev.>", "shared.>", "user.{{idp}}.{{username}}.>", "_INBOX.>"] }
                allow_responses: true
              - name: operators
                when: { groups: [eng-operators] }
                account: OPS
                publish:   { allow: ["ops.>", "shared.>"] }
                subscribe: { allow: ["ops.>", "shared.>", "_INBOX.>"] }
              - name: short-lived
                when: { groups: [short] }
                account: DEV
                publish:   { allow: ["dev.>"] }
                subscribe: { allow: ["dev.>", "_INBOX.>"] }
                ttl: 2s
              - name: watchers
                when: { groups: [watch] }
                account: DEV
                subscribe: { allow: ["dev.>"] }
              - name: senders
                when: { groups: [send] }
                account: DEV
                publish:   { allow: ["dev.inbox.>"] }
            """;
}
