package saml2nats.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import saml2nats.scim.Provisioning;
import saml2nats.scim.ScimError;
import saml2nats.scim.ScimException;

/**
 * {@code /scim/v2}: the HTTP face of {@link Provisioning}, on only when {@code scim:} is
 * configured. {@link Access#SCIM_CLIENT} found the calling IdP by its bearer token; every
 * answer is {@code application/scim+json}, refusals in SCIM's error format (RFC 7644 3.12).
 */
final class ScimApi {
    static final String BASE = "/scim/v2";
    private static final String IDP = "saml2nats.scim.idp";

    private interface Call {
        Provisioning.Answer run(String idp) throws ScimException;
    }

    private final Provisioning provisioning;
    private final io.micrometer.core.instrument.MeterRegistry metrics;

    ScimApi(Provisioning provisioning, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.provisioning = provisioning;
        this.metrics = metrics;
    }

    void routes(RoutesConfig r) {
        Access a = Access.SCIM_CLIENT;
        r.get(BASE + "/ServiceProviderConfig", ctx -> answer(ctx, idp -> provisioning.serviceProviderConfig()), a);
        r.get(BASE + "/ResourceTypes", ctx -> answer(ctx, idp -> provisioning.resourceTypes()), a);
        r.get(BASE + "/Schemas", ctx -> answer(ctx, idp -> provisioning.schemas()), a);
        r.post(BASE + "/Users", ctx -> answer(ctx, idp -> provisioning.createUser(idp, ctx.body())), a);
        r.get(BASE + "/Users", ctx -> answer(ctx, idp -> provisioning.users(idp, ctx.queryParam("filter"),
                ctx.queryParam("startIndex"), ctx.queryParam("count"))), a);
        r.get(BASE + "/Users/{id}", ctx -> answer(ctx, idp -> provisioning.user(idp, ctx.pathParam("id"))), a);
        r.put(BASE + "/Users/{id}", ctx -> answer(ctx, idp -> provisioning.replaceUser(idp, ctx.pathParam("id"), ctx.body())), a);
        r.patch(BASE + "/Users/{id}", ctx -> answer(ctx, idp -> provisioning.patchUser(idp, ctx.pathParam("id"), ctx.body())), a);
        r.delete(BASE + "/Users/{id}", ctx -> answer(ctx, idp -> provisioning.deleteUser(idp, ctx.pathParam("id"))), a);
        r.post(BASE + "/Groups", ctx -> answer(ctx, idp -> provisioning.createGroup(idp, ctx.body())), a);
        r.get(BASE + "/Groups", ctx -> answer(ctx, idp -> provisioning.groups(idp, ctx.queryParam("filter"),
                ctx.queryParam("startIndex"), ctx.queryParam("count"), ctx.queryParam("excludedAttributes"))), a);
        r.get(BASE + "/Groups/{id}", ctx -> answer(ctx, idp -> provisioning.group(idp, ctx.pathParam("id"),
                ctx.queryParam("excludedAttributes"))), a);
        r.put(BASE + "/Groups/{id}", ctx -> answer(ctx, idp -> provisioning.replaceGroup(idp, ctx.pathParam("id"), ctx.body())), a);
        r.patch(BASE + "/Groups/{id}", ctx -> answer(ctx, idp -> provisioning.patchGroup(idp, ctx.pathParam("id"), ctx.body())), a);
        r.delete(BASE + "/Groups/{id}", ctx -> answer(ctx, idp -> provisioning.deleteGroup(idp, ctx.pathParam("id"))), a);
        r.post(BASE + "/Bulk", ctx -> send(ctx, provisioning.error(ScimError.NOT_IMPLEMENTED,
                "bulk operations are not supported: send each change on its own")), a);
    }

    /** Access rule: the bearer token names the calling IdP, or the caller gets SCIM's 401. */
    boolean client(Context ctx) {
        String token = AccessRules.bearerToken(ctx);
        var idp = token.isEmpty() ? java.util.Optional.<String>empty() : provisioning.idpOf(token);
        if (idp.isPresent()) {
            ctx.attribute(IDP, idp.get());
            return true;
        }
        ctx.header("WWW-Authenticate", "Bearer realm=\"saml2nats SCIM\"");
        count("", ScimError.UNAUTHORIZED.name(), (token.isEmpty() ? "no bearer token" : "a bearer token of no IdP")
                + " from " + ctx.ip());
        send(ctx, provisioning.unauthorized(ctx.ip(), !token.isEmpty()));
        return false;
    }

    private void answer(Context ctx, Call call) {
        String idp = ctx.attribute(IDP);
        try {
            send(ctx, call.run(idp));
            count(idp, "OK", "");
        } catch (ScimException e) {
            count(idp, e.error().name(), e.getMessage());
            send(ctx, provisioning.refused(idp, e));
        }
    }

    /** Every SCIM request by IdP and outcome: a burst of UNAUTHORIZED is someone guessing tokens. */
    private void count(String idp, String outcome, String detail) {
        provisioning.activity().heard(idp, outcome, detail);
        io.micrometer.core.instrument.Counter.builder("saml2nats.scim.requests")
                .description("SCIM requests by IdP and outcome (OK or the SCIM error)")
                .tag("idp", idp).tag("outcome", outcome).register(metrics).increment();
    }

    private static void send(Context ctx, Provisioning.Answer answer) {
        ctx.status(answer.status());
        answer.location().ifPresent(l -> ctx.header("Location", l));
        if (!answer.json().isEmpty()) {
            ctx.contentType("application/scim+json; charset=utf-8").result(answer.json());
        }
    }
}
