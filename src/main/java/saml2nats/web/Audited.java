package saml2nats.web;

import saml2nats.audit.AuditEvent;
import saml2nats.session.Identity;

/** The audit log's view of a signed-in person. */
final class Audited {
    private Audited() {
    }

    static AuditEvent.Person person(Identity who) {
        return new AuditEvent.Person(who.subject(), who.email(), who.idp());
    }
}
