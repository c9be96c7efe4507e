package saml2nats.saml;

import org.opensaml.saml.saml2.core.Assertion;
import org.opensaml.saml.saml2.core.Response;
import org.opensaml.saml.saml2.core.SubjectConfirmationData;

import java.time.Instant;
import java.util.Optional;

/** What the rules read: the parsed, decrypted Response and the settings, at one instant. */
record Evaluation(Response response, Assertion assertion, IdpSettings idp, SpSettings sp, Instant now,
                  RequestLedger ledger, BrowserBinding browser) {

    /** The bearer confirmation every rule reads (Profiles 4.1.4.2), when the assertion has one for our ACS. */
    Optional<SubjectConfirmationData> bearer() {
        return Checks.bearer(assertion, sp.acsUrl());
    }

    /** The same Response judged against another ledger ({@code saml inspect} has none of its own). */
    Evaluation withLedger(RequestLedger other) {
        return new Evaluation(response, assertion, idp, sp, now, other, browser);
    }
}
