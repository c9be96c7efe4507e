package saml2nats.web;

import saml2nats.config.Durations;
import saml2nats.policy.Finding;
import saml2nats.policy.PolicySource;
import saml2nats.saml.IdentityProvider;
import saml2nats.saml.IdpHealth;
import saml2nats.scim.ScimActivity;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static saml2nats.web.Html.esc;
import static saml2nats.web.Pages.ago;
import static saml2nats.web.Pages.utc;

/**
 * The admin page's status cards: each IdP (sign-ins, metadata, certificates), the mapping in force
 * and its last refused edit, and SCIM provisioning. What a card says is what this replica saw.
 */
final class AdminStatus {
    private AdminStatus() {
    }

    static String idps(IdpHealth health, List<IdentityProvider> idps, java.util.Set<String> refreshing, Instant now) {
        StringBuilder b = new StringBuilder("<div class=card id=idps><h2>Identity providers</h2>");
        for (IdentityProvider idp : idps) {
            IdpHealth.Status s = health.of(idp, refreshing.contains(idp.id()));
            b.append("<h3 style='font-size:15px;margin:14px 0 4px'>").append(esc(s.label())).append(" <span class=muted>(")
                    .append(esc(s.idp())).append(")</span></h3><div class=scroll><table>");
            row(b, "last sign-in", s.lastSignIn().map(t -> when(t, now)).orElse("none since this replica started"));
            row(b, "last refused", s.lastFailure().map(f -> "<span class=alert>" + when(f.at(), now) + "</span>: <code>"
                    + esc(f.code()) + "</code> " + esc(f.reason())).orElse("none since this replica started"));
            row(b, "metadata", metadata(s, now));
            StringBuilder certs = new StringBuilder();
            for (IdpHealth.Certificate c : s.certificates()) {
                Duration left = c.left(now);
                certs.append(esc(c.subject())).append(" <span class=muted>serial ").append(esc(c.serial()))
                        .append("</span>: ").append(c.expiresSoon(now) ? "<span class=alert id='expiry-" + esc(s.idp()) + "'>" : "<span>")
                        .append(left.isNegative() ? "expired " + esc(utc(c.notAfter())) : "expires " + esc(utc(c.notAfter()))
                                + " (in " + esc(Durations.format(left.truncatedTo(left.toDays() > 0 ? ChronoUnit.DAYS : ChronoUnit.MINUTES)))
                                + ")").append("</span>");
                if (c.expiresSoon(now)) {
                    certs.append(" <span class=alert>under 30 days: the IdP will sign with a new key soon; put its new "
                            + "certificate in this IdP's certificates or metadata before it does, or sign-ins stop</span>");
                }
                certs.append("<br>");
            }
            row(b, "signing certificates", certs.toString());
            b.append("</table></div>");
        }
        return b.append("</div>").toString();
    }

    private static String metadata(IdpHealth.Status s, Instant now) {
        if (!s.refreshes()) {
            return "from the config (a file or certificates): not refreshed";
        }
        Optional<IdpHealth.Refresh> last = s.lastRefresh();
        if (last.isEmpty()) {
            return "from its URL at start; not refreshed since";
        }
        IdpHealth.Refresh r = last.get();
        return r.ok() ? "refreshed " + when(r.at(), now)
                : "<span class=alert>refresh failed " + when(r.at(), now) + "</span>: " + esc(r.problem())
                + "; the last good copy (" + s.lastGoodRefresh().map(t -> "from " + when(t, now)).orElse("from start")
                + ") stays in use";
    }

    static String mapping(PolicySource.Status m, Instant now) {
        StringBuilder b = new StringBuilder("<div class=card id=mapping><h2>Mapping</h2><div class=scroll><table>");
        row(b, "file", "<code>" + esc(m.file().toString()) + "</code>");
        row(b, "in force since", when(m.loaded(), now) + ", " + m.roles() + (m.roles() == 1 ? " role" : " roles"));
        if (m.lastRejected().isEmpty()) {
            row(b, "last refused edit", "none since this replica started");
        } else {
            PolicySource.Rejected r = m.lastRejected().get();
            StringBuilder why = new StringBuilder("<span class=alert>" + when(r.at(), now) + "</span>"
                    + (r.at().isBefore(m.loaded()) ? " (an edit accepted since replaced it)" : "; the policy before it stays in force"));
            if (r.findings().isEmpty()) {
                why.append("<br>").append(esc(r.reason()));
            }
            for (Finding f : r.findings()) {
                why.append("<br><code>").append(esc(f.file())).append(':').append(f.line()).append("</code> ")
                        .append(esc(f.message())).append(" <span class=muted>[").append(esc(f.code().name())).append("]</span>");
            }
            row(b, "last refused edit", why.toString());
        }
        return b.append("</table></div></div>").toString();
    }

    static String scim(boolean enabled, List<ScimActivity.Status> clients, Instant now) {
        StringBuilder b = new StringBuilder("<div class=card id=scim><h2>SCIM provisioning</h2>");
        if (!enabled) {
            return b.append("<p class=muted>Off: no <code>scim:</code> in the config, so deactivating a person at the IdP "
                    + "ends their access only when their session ends.</p></div>").toString();
        }
        b.append("<div class=scroll><table>");
        for (ScimActivity.Status s : clients) {
            String who = s.idp().isEmpty() ? "callers with no valid token" : s.idp();
            row(b, who, s.last().map(h -> "last request " + when(h.at(), now)).orElse("no request since this replica started")
                    + " · " + s.requests() + " requests, " + s.refused() + " refused"
                    + s.lastRefused().map(h -> "<br><span class=alert>last refused " + when(h.at(), now) + "</span>: <code>"
                    + esc(h.outcome()) + "</code> " + esc(h.detail())).orElse(""));
        }
        return b.append("</table></div></div>").toString();
    }

    private static String when(Instant t, Instant now) {
        return esc(utc(t)) + " <span class=muted>(" + esc(ago(t, now)) + ")</span>";
    }

    private static void row(StringBuilder b, String label, String html) {
        b.append("<tr><th>").append(esc(label)).append("</th><td>").append(html).append("</td></tr>");
    }
}
