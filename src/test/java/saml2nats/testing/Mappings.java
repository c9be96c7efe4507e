package saml2nats.testing;

/** Mapping files the integration tests share. */
public final class Mappings {
    private Mappings() { }

    /** Developers (DEV), operators (OPS) and a 2-second role, with shared subjects to test isolation. */
    public static final String MATRIX = """
            defaults: { ttl: 1h }
            roles:
              - name: developers
                when: { groups: [eng-developers] }
                account: DEV
                publish:   { allow: ["dev.>", "shared.>", "user.{{username}}.>"], deny: ["dev.secret.>"] }
                subscribe: { allow: ["dev.>", "shared.>", "user.{{username}}.>", "_INBOX.>"] }
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
            """;
}
