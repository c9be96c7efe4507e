package saml2nats.web;

import saml2nats.handoff.CliHandoff;
import saml2nats.handoff.HandoffError;

import java.time.Clock;

/**
 * Device and loopback sign-ins need no sign-in to start, so each address may start only a
 * few at a time; a flood from one address cannot push out everyone else's pending codes.
 * Counts are per replica.
 */
final class CliStarts {
    /**
     * Device and loopback sign-ins together, per address per {@link CliHandoff#DEVICE_CODE_LIFE}: both can be
     * started without signing in. Enough for an office behind one NAT signing in of a morning.
     */
    static final int STARTS_PER_ADDRESS = 60;

    private final AddressLimit byAddress;

    CliStarts(long maxAddresses, Clock clock) {
        this.byAddress = new AddressLimit(STARTS_PER_ADDRESS, CliHandoff.DEVICE_CODE_LIFE, maxAddresses, clock);
    }

    void checkStartAllowed(String address) throws CliHandoff.Refusal {
        if (!byAddress.allow(address)) {
            throw new CliHandoff.Refusal(HandoffError.TOO_MANY_STARTS);
        }
    }
}
