package saml2nats.policy;

/** The policy's answer for one person: a grant, or a refusal with its code and a sentence. */
public sealed interface Decision {
    record Allow(Grant grant) implements Decision { }

    record Deny(PolicyError code, String reason) implements Decision { }
}
