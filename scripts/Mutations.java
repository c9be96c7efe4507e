import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes one defence at a time and runs the tests docs/SECURITY.md names for it: each must
 * fail ("killed"). A defence whose removal leaves its tests green ("survived") is a test that
 * does not notice a missing defence. Every file is restored after each mutation, and on exit.
 *
 * <pre>
 *   java scripts/Mutations.java              # every mutation (about half an hour on 2 cores)
 *   java scripts/Mutations.java S04 P05      # some
 *   java scripts/Mutations.java --check      # only that every ID in docs/SECURITY.md is defined here and applies
 * </pre>
 * Run it from the repository root on a clean tree. {@code MVN} overrides the Maven command
 * (default {@code mvn -B -q -ntp}). Exit 1 when any mutation survived or did not apply.
 */
public class Mutations {
    record Edit(String file, String from, String to) { }

    record Mutation(String id, String test, String what, List<Edit> edits) { }

    static final String M = "src/main/java/saml2nats/";
    static final List<Mutation> ALL = new ArrayList<>();

    static void m(String id, String test, String what, String file, String from, String to, String... more) {
        List<Edit> edits = new ArrayList<>();
        edits.add(new Edit(M + file, from, to));
        for (int i = 0; i + 2 < more.length + 1; i += 3) {
            edits.add(new Edit(M + more[i], more[i + 1], more[i + 2]));
        }
        if (ALL.stream().anyMatch(x -> x.id().equals(id))) {
            // two mutations under one id would both run when it is asked for, and the table would cite the wrong one
            throw new IllegalStateException("mutation id " + id + " is used twice");
        }
        ALL.add(new Mutation(id, test, what, edits));
    }

    static {
        String rv = "saml/ResponseValidator.java";
        String checks = "saml/Checks.java";
        String signatures = "saml/Signatures.java";
        String claims = "saml/Claims.java";
        String attacks = "SamlAttacksTest";
        // ---- SAML responses ----
        m("S01", attacks + "#twoAssertions+wrappingUnsignedAssertionBesideTheSignedOne", "more than one assertion is taken",
                rv, "if (plain + encrypted != 1) {", "if (plain + encrypted == 0) {",
                rv, "if (plain == 1) {", "if (plain >= 1) {");
        m("S02", attacks + "#aForgedAssertionCarryingTheOriginalsSignatureIsRefused", "no SAML signature profile check",
                signatures, "            new SAMLSignatureProfileValidator().validate(sig);",
                "            if (false) new SAMLSignatureProfileValidator().validate(sig);");
        m("S03", attacks + "#anotherElementCarryingTheSignedIdIsRefused", "duplicate IDs are not counted",
                signatures, "if (count != 1) {", "if (count < 1) {");
        m("S04", attacks + "#signedByAnotherKey+changedContentUnderTheSignature", "signatures are not verified",
                signatures, "SignatureValidator.validate(sig, new BasicX509Credential(cert));",
                "if (false) SignatureValidator.validate(sig, new BasicX509Credential(cert));");
        m("S05", attacks + "#unsignedResponseAndAssertion", "an unsigned response is taken",
                checks, "if (onResponse == null && onAssertion == null) {", "if (false) {");
        m("S06", attacks + "#sha1IsRefusedUnlessTheIdpAllowsIt", "any algorithm is taken",
                signatures, "if (!strong && !(allowSha1 && SHA1_ALGORITHMS.contains(alg))) {", "if (false) {");
        m("S07", attacks + "#aDoctypeIsRefusedBeforeTheParserSeesIt", "the text is not checked for a DOCTYPE",
                rv, "if (xml.regionMatches(true, 0, \"<!DOCTYPE\", 0, 9) || xml.toUpperCase(Locale.ROOT).contains(\"<!DOCTYPE\")) {",
                "if (false) {");
        m("S08", attacks + "#theParserRefusesADoctypeOnItsOwn", "the parser takes a DOCTYPE",
                "saml/OpenSaml.java", "\"http://apache.org/xml/features/disallow-doctype-decl\", true,",
                "\"http://apache.org/xml/features/disallow-doctype-decl\", false,");
        m("S09", attacks + "#aCommentInsideTheNameIdDoesNotCutItShort", "comments are kept in the parsed tree",
                "saml/OpenSaml.java", "parser.setIgnoreComments(true);", "parser.setIgnoreComments(false);");
        m("S10", attacks + "#wrongDestinationRecipientAudienceIssuer", "any Destination is taken",
                checks, "if (e.sp().acsUrl().equals(destination)) {", "if (true) {");
        m("S11", attacks + "#wrongDestinationRecipientAudienceIssuer", "any Issuer is taken",
                checks, "if (responseIssuer != null && !expected.equals(responseIssuer.getValue())) {", "if (false) {",
                checks, "if (assertionIssuer == null || !expected.equals(assertionIssuer.getValue())) {", "if (false) {");
        m("S12", attacks + "#everyAudienceRestrictionMustNameUs", "only the first AudienceRestriction must hold",
                checks, "for (AudienceRestriction r : restrictions) {", "for (AudienceRestriction r : restrictions.subList(0, 1)) {");
        m("S13", attacks + "#wrongDestinationRecipientAudienceIssuer", "any bearer Recipient is taken",
                checks, ".filter(d -> acsUrl.equals(d.getRecipient()) && d.getNotOnOrAfter() != null)",
                ".filter(d -> d.getNotOnOrAfter() != null)");
        m("S14", attacks + "#anExpiredBearerConfirmationIsRefusedWhileTheConditionsStillHold", "the bearer expiry is not checked",
                checks, "if (!e.now().isBefore(data.getNotOnOrAfter().plus(e.idp().clockSkew()))) {", "if (false) {");
        m("S15", attacks + "#anExpiredConditionsWindowIsRefusedWhileTheBearerStillHolds", "the Conditions expiry is not checked",
                checks, "if (c.getNotOnOrAfter() != null && !e.now().isBefore(c.getNotOnOrAfter().plus(skew))) {", "if (false) {");
        m("S16", attacks + "#theIdpsSessionEndBoundsTheSession", "SessionNotOnOrAfter is not checked",
                checks, "if (!e.now().isBefore(ends.get())) {", "if (false) {");
        m("S17", attacks + "#aSignedAssertionForOneRequestCannotAnswerAnother", "the Response's InResponseTo need not match the signed one",
                checks, "if (!id.equals(outer)) {", "if (false) {");
        m("S18", attacks + "#anIdpInitiatedAssertionCannotBePassedOffAsAnAnswerWhenIdpInitiatedIsOff",
                "an assertion for no request may answer one",
                checks, "            if (outer != null && !outer.isEmpty()) {", "            if (false) {");
        m("S19", attacks + "#inResponseToWeNeverSentAndIdpInitiated", "any request ID is taken",
                checks, "if (!e.ledger().isPending(e.idp().id(), id)) {", "if (false) {");
        m("S20", attacks + "#aResponseForARequestOfAnotherBrowserIsRefused,SignInIT#aResponseStartedByAnotherBrowserDoesNotSignThisOneIn",
                "a response is taken from any browser (login CSRF)",
                checks, "if (!e.ledger().startedBy(e.idp().id(), id.get(), e.browser())) {", "if (false) {");
        m("S21", attacks + "#aReplayedAssertionAndAnAnsweredRequest", "an assertion may be used twice",
                checks, "if (e.ledger().wasSeen(e.idp().id(), e.assertion().getID())) {", "if (false) {",
                "saml/SlotRequestLedger.java", "return seen.create(key(idp, assertionId), millis(keepUntil), keepUntil);",
                "seen.create(key(idp, assertionId), millis(keepUntil), keepUntil); return true;");
        m("S22", attacks + "#aReplayedAssertionAndAnAnsweredRequest", "a request may be answered twice",
                "saml/SlotRequestLedger.java", "if (request.isEmpty() || !pending.remove(key(idp, requestId), request.get())) {",
                "if (false) {");
        m("S23", attacks + "#rolesAreNotReadAsGroups", "groups come from the first of groups or Role present",
                claims, "List<String> groups = attrs.getOrDefault(names.groups(), List.of());",
                "List<String> groups = java.util.stream.Stream.of(names.groups(), \"Role\").filter(attrs::containsKey).findFirst().map(attrs::get).orElse(List.of());");
        m("S24", attacks + "#aGoodResponseIsAcceptedWithItsIdentity", "username is made up from the e-mail's local part",
                claims, "String username = one(attrs, names.username()).orElse(\"\");",
                "String username = one(attrs, names.username()).orElse(email.contains(\"@\") ? email.substring(0, email.indexOf('@')) : nameId);");
        m("S26", "SignInCookieTest", "the pre-auth cookie can be planted (no __Host- prefix)",
                "web/SignInCookie.java", "return secure ? \"__Host-s2n_signin\" : \"s2n_signin\";", "return \"s2n_signin\";");
        m("S27", attacks + "#aSignedResponseMayNameTheRequestWhereItsAssertionDoesNot",
                "an unsigned Response's InResponseTo counts when the bearer names none",
                checks, "if (bearer.isPresent() || e.response().getSignature() == null) {", "if (bearer.isPresent()) {");
        m("S28", "SignInIT#aSessionHereEndsNoLaterThanTheIdpsSession", "the session is not capped at the IdP's",
                "web/SignIn.java", ".filter(left -> left.compareTo(sessionLength) < 0).orElse(sessionLength);",
                ".filter(left -> false).orElse(sessionLength);");
        m("S29", attacks + "#theUsernameAndEmailComeFromTheIdpsOwnAttributesOnly", "username and e-mail from any of several attributes",
                claims, "String email = one(attrs, names.email())", "String email = one(attrs, names.email()).or(() -> one(attrs, \"mail\"))",
                claims, "String username = one(attrs, names.username()).orElse(\"\");",
                "String username = one(attrs, names.username()).or(() -> one(attrs, \"uid\")).orElse(\"\");");
        m("S25", "RedirectBindingTest", "inflating is unbounded (DEFLATE bomb)",
                "saml/RedirectBinding.java", "if (out.size() > MAX_INFLATED_BYTES) {", "if (false) {");
        // ---- single logout ----
        String slo = "SignInIT#aStaleMisaddressedOrReplayedLogoutRequestEndsNothing";
        m("L01", slo, "any Destination is taken", "saml/IdpLogout.java", "if (!sloUrl.equals(request.getDestination())) {", "if (false) {");
        m("L02", slo, "any IssueInstant is taken", "saml/IdpLogout.java",
                "if (issued == null || issued.plus(MAX_AGE).plus(skew).isBefore(now)) {", "if (issued == null) {");
        m("L03", slo, "a LogoutRequest may be replayed", "saml/IdpLogout.java",
                "if (!seen.firstLogout(idp.id(), request.getID(), keepUntil)) {", "if (false) {");
        m("L04", "SignInIT#singleLogoutFromTheIdpEndsTheSessionAndAnswers", "an unsigned LogoutRequest is taken",
                "saml/IdpLogout.java", "            RedirectBinding.verify(rawQuery, \"SAMLRequest\", idp.trust().settings().certificates());",
                "            if (false) RedirectBinding.verify(rawQuery, \"SAMLRequest\", idp.trust().settings().certificates());");
        m("L05", "SamlBindingsIT#aPostedLogoutRequestThatIsUnsignedForgedChangedStaleMisaddressedOrReplayedEndsNothing",
                "a POSTed LogoutRequest's signature is not checked", "saml/IdpLogout.java",
                "        if (bad.isPresent()) {\n            throw new Refused(bad.get().code(), bad.get().message());",
                "        if (false) {\n            throw new Refused(bad.get().code(), bad.get().message());",
                "saml/IdpLogout.java", "        if (request.getSignature() == null) {", "        if (false) {");
        String soapTest = "SoapLogoutTest";
        m("L06", soapTest + "#whatFailsAnyOtherBindingsChecksFailsHereAndEndsNobody", "a SOAP LogoutRequest's signature is not checked",
                "saml/IdpLogout.java",
                "        if (bad.isPresent()) {\n            throw new Refused(bad.get().code(), bad.get().message());",
                "        if (false) {\n            throw new Refused(bad.get().code(), bad.get().message());");
        m("L07", "SamlBindingsIT#aSoapLogoutRequestThatIsRefusedIsAFaultAndEndsNothing",
                "a request signed for the browser binding's URL is taken on the back channel", "web/SingleLogout.java",
                "IdpLogout.readSoap(saml, envelope, i, sp.soapSloUrl(i.id()),", "IdpLogout.readSoap(saml, envelope, i, sp.sloUrl(i.id()),");
        m("L08", soapTest + "#anythingButOneSamlMessageInASoap11EnvelopeIsMalformedWithASentence",
                "a SOAP Body with several messages is read by its first", "saml/SoapBinding.java",
                "if (inside.size() != 1) {", "if (inside.isEmpty()) {");
        m("L09", soapTest + "#anythingButOneSamlMessageInASoap11EnvelopeIsMalformedWithASentence",
                "a SOAP header that must be understood is ignored", "saml/SoapBinding.java",
                "if (\"1\".equals(must) || \"true\".equals(must)) {", "if (false) {");
        m("L10", "SamlBindingsIT#aSoapLogoutRequestThatIsRefusedIsAFaultAndEndsNothing",
                "a refused back-channel request is answered as if carried out", "web/SingleLogout.java",
                "return new SoapAnswer(500, SoapBinding.fault(", "return new SoapAnswer(200, SoapBinding.fault(");
        m("L11", "BrowserJourneyIT#aKeycloakAdminSigningErinOutEndsHerSessionByTheBackChannelAndKicksHer",
                "no SOAP back channel: an IdP admin's sign-out does not reach this service", "web/WebApp.java",
                "r.post(\"/saml/{idp}/slo/soap\"", "r.post(\"/saml/{idp}/slo/soap-gone\"");
        // ---- IdP trust ----
        m("S30", "SamlBindingsIT#anIdpWithItsOwnSpEntityIdAndAcsPathSignsInThereAndNotForTheDefaultAudience",
                "the configured sp_entity_id is not the audience", "saml/ServiceProvider.java",
                "return new SpSettings(entityId(idp), acsUrl(idp), decryption);",
                "return new SpSettings(publicUrl + \"/saml/\" + idp + \"/metadata\", acsUrl(idp), decryption);");
        m("T01", "IdpTrustTest#signedMetadataIsTakenOnlyWithAValidSignatureByTheConfiguredCertificate",
                "metadata signatures are not checked", "saml/IdpMetadata.java",
                "        if (signer.isPresent()) {\n            verify(entity, signer.get(), owner, now);",
                "        if (false) {\n            verify(entity, signer.get(), owner, now);");
        m("T02", "IdpTrustTest#signedMetadataIsTakenOnlyWithAValidSignatureByTheConfiguredCertificate",
                "signed metadata past validUntil is taken", "saml/IdpMetadata.java",
                "if (entity.getValidUntil() != null && !now.isBefore(entity.getValidUntil())) {", "if (false) {");
        m("T03", "ConfigLoaderTest#identityProviderSettingsThatWouldWeakenTrustAreRefused", "unsigned metadata over http is taken",
                "config/ConfigLoader.java",
                "metadataUrl.filter(u -> \"http\".equalsIgnoreCase(u.getScheme()) && !isLoopback(u.getHost()) && metadataSigner.isEmpty())",
                "metadataUrl.filter(u -> false)");
        m("T04", "IdpTrustTest#aMetadataUrlThatIsDownAtStartStartsFromTheLastGoodCopyOnDisk",
                "a cached metadata copy is started from unverified", "saml/IdpRegistry.java",
                "+ \", as \" + url + \" cannot be fetched: \" + why(down) + \")\", signer, Instant.now());",
                "+ \", as \" + url + \" cannot be fetched: \" + why(down) + \")\", Optional.empty(), Instant.now());");
        // ---- web ----
        m("W01", "ReturnUrlsTest", "return URLs match as a raw string prefix (as before)",
                "web/ReturnUrls.java", "&& port(p) == port(u) && underPath(u.getRawPath(), p.getRawPath())) {",
                "&& port(p) == port(u) && u.getRawPath().startsWith(p.getRawPath())) {",
                "web/ReturnUrls.java", " || u.getRawUserInfo() != null || !cleanPath(u.getRawPath())) {", ") {");
        m("W02", "SignInIT#oneAddressCanStartOnlySoManySignIns", "sign-ins may be started without limit",
                "web/SignIn.java", "if (!starts.allow(clientAddress)) {", "if (false) {");
        m("W03", "ClientAddressesTest", "X-Forwarded-For is read from anyone",
                "web/ClientAddresses.java", "if (forwardedFor == null || forwardedFor.isBlank() || !trusted(peer)) {",
                "if (forwardedFor == null || forwardedFor.isBlank()) {");
        m("W08", "SignInIT#oneAddressCanStartOnlySoManySignIns", "only the first X-Forwarded-For line is read",
                "web/ClientAddresses.java", "String address = of(ctx.ip(), String.join(\",\", lines));",
                "String address = of(ctx.ip(), lines.isEmpty() ? null : lines.get(0));");
        m("W09", "ClientAddressesTest#rangesAreLiteralAddresses+ConfigLoaderTest#identityProviderSettingsThatWouldWeakenTrustAreRefused",
                "host names are taken for addresses", "config/AddressRange.java",
                "return InetAddresses.isInetAddress(ip) ? Optional.of(InetAddresses.forString(ip).getAddress()) : Optional.empty();",
                "try { return Optional.of(java.net.InetAddress.getByName(ip.isEmpty() ? \"x.invalid\" : ip).getAddress()); } "
                        + "catch (java.net.UnknownHostException e) { return Optional.empty(); }",
                "config/ConfigLoader.java", "        if (\"localhost\".equalsIgnoreCase(host)) {", "        if (host.startsWith(\"127.\")) {");
        m("W04", "SignInIT#withTheDevIdpTheServiceListensOn127001Only", "the dev IdP listens on every interface",
                "web/WebApp.java", "cfg.jetty.host = host;", "cfg.jetty.host = \"0.0.0.0\";");
        m("P08", "PolicyLoaderTest#limitsAreRefusedBecauseNatsServerDoesNotApplyThemToCalloutUsers",
                "mapping limits are accepted (and shown, never enforced)",
                "policy/PolicyLoader.java", "        if (r.has(\"limits\")) {", "        if (false) {");
        m("K01", "KickerTest#aSignOutRacingAConnectNeverLetsOneEscape+aConnectRecordedAfterItsSessionEndedIsRefused",
                "no tombstone: a connect recorded after its session's kick escapes it",
                "callout/Kicker.java", "        ended.put(session.id(), session.expires());", "");
        m("K02", "KvSessionStoreIT#aSessionEndedOnAReplicaThatHasNotSeenItYetEndsEverywhere",
                "ending a session this replica has not seen yet ends nothing",
                "session/KvSessionStore.java", "                endedUnseen.put(tokenHash, true);\n",
                "                if (true) return false;\n");
        m("K03", "KeysInitIT#thePrintedSetupWorksAndSignOutKicks", "keys init leaves the system user to the callout",
                "keys/KeysInit.java", "auth_users: [ %s, %s ]", "auth_users: [ %s ]%.0s");
        m("K04", "ReplicasIT#aConnectionAuthorizedBeforeARestartIsKickedWithinASecondOfItsSessionsEnd",
                "only connections this process recorded are kicked (none found on the servers)",
                "callout/Kicker.java", "for (Live c : onServers(session)) {", "for (Live c : Set.<Live>of()) {");
        m("K05", "KvSessionStoreIT#aSessionMadeOnOneReplicaIsFoundOnTheOtherAndASignOutAnywhereEndsItEverywhere",
                "the replica that ends a session forgets why (its kick line cannot say who ended it)",
                "session/KvSessionStore.java", "new Ended(known, why)", "new Ended(known, Ending.ELSEWHERE)");
        m("K06", "KickerTest#aSessionEndedElsewhereIsRefusedHereButNotKickedTwice",
                "every replica kicks and audits a session one of them ended",
                "callout/Kicker.java", "        if (!end.why().here()) {\n            return;", "        if (false) {\n            return;");
        // ---- deprovisioning ----
        m("D01", "ProvisioningTest#theTokenNamesTheIdpAndNoOtherTokenDoes", "any bearer token names the first SCIM client",
                "scim/Provisioning.java", "if (MessageDigest.isEqual(presented, c.tokenSha256()) && found.isEmpty()) {",
                "if (found.isEmpty()) {");
        m("D02", "ProvisioningTest#oktasDeactivationEndsEverySessionOfThePersonAndRefusesTheirSignIn",
                "a deactivation ends no session", "scim/Provisioning.java",
                "            int ended = endSessions(c, now, \"deactivated\");", "            int ended = 0;");
        m("D03", "ScimIT#oktasDeactivationKicksAlicesConnectionsRefusesHerTokenAndHerNextSignIn",
                "a deactivated person signs in again", "web/SignIn.java", "if (provisioning.deactivated(who)) {", "if (false) {");
        m("D04", "ProvisioningTest#aGroupChangeGivesLiveSessionsTheNewGroupsAndReauthorizesThoseWhoseGrantChanged",
                "a changed grant leaves live connections as they were", "scim/Provisioning.java",
                "                if (!before.equals(after)) {", "                if (false) {");
        m("D05", "ProvisioningTest#oneIdpCannotSeeOrChangeAnothersUsers", "a user of one IdP is read for another",
                "scim/Directory.java", "                .filter(r -> r.value().idp().equals(idp));\n    }\n\n    Optional<Read<ScimGroup>>",
                "                .filter(r -> true);\n    }\n\n    Optional<Read<ScimGroup>>");
        m("K07", "ReloadKickIT#aReloadThatRemovesARoleKicksExactlyTheConnectionsThatHeldIt",
                "a mapping edit kicks nobody (old grants live on until their JWTs expire)", "callout/GrantReview.java",
                ".filter(s -> !before.decide(s.identity()).equals(after.decide(s.identity()))).toList();",
                ".filter(s -> false).toList();");
        m("K08", "ReloadKickIT#aReloadThatRemovesARoleKicksExactlyTheConnectionsThatHeldIt",
                "every replica reviews the same edit (kicks and audit lines once per replica)", "callout/GrantReview.java",
                "if (!claims.create(fingerprint, new byte[]{1}, clock.instant().plus(CLAIM_KEPT))) {", "if (false) {");
        m("W11", "SignedInPageIT#signOutEverywhereEndsBrowserAndCliSessionsAndKicksAllTheirConnections",
                "a person's session list shows everyone's sessions", "session/SessionStore.java",
                "return live().stream().filter(s -> s.identity().samePersonAs(who))", "return live().stream().filter(s -> true)");
        m("W12", "SignedInPageIT#signOutEverywhereEndsBrowserAndCliSessionsAndKicksAllTheirConnections",
                "sign out everywhere ends everyone's sessions", "session/SessionStore.java",
                "return endWhere(s -> s.identity().samePersonAs(who) && (", "return endWhere(s -> (");
        m("K09", "RestartKickIT#aRestartWithTheEmbeddedStoreKicksTheConnectionsOfTheSessionsItLost",
                "a restart with the embedded store leaves the lost sessions' connections up", "Saml2Nats.java",
                "            if (state instanceof StateBackend.Embedded) {", "            if (false) {");
        m("K10", "ExpiryJitterIT#aThousandClientsWhoseSessionsEndTogetherGetExpiriesSpreadOverTheWindow",
                "the configured expiry jitter is not applied", "Saml2Nats.java",
                "new ExpiryJitter(config.sessions().jwtJitterPercent(), ThreadLocalRandom.current())",
                "new ExpiryJitter(0, ThreadLocalRandom.current())");
        String ledgerIt = "LedgerIT#connectsAndDisconnectsAreAuditedWithThePersonTheTrafficAndTheReasonAndTheViewSurvivesARestart";
        m("X01", ledgerIt, "every replica writes every ledger line (no queue group)", "connections/Ledger.java",
                "dispatcher.subscribe(CONNECT_EVENTS, QUEUE, m -> event(m, true));",
                "dispatcher.subscribe(CONNECT_EVENTS, m -> event(m, true));");
        m("X02", ledgerIt, "the live view starts empty after a restart", "connections/Ledger.java",
                "        rebuild();\n    }", "    }");
        m("X03", ledgerIt, "a close is audited without the traffic the server reported", "connections/ConnectionEvent.java",
                "e.object(\"sent\").flatMap(x -> boxed(x, \"msgs\")).orElse(0L),", "0L,");
        m("X04", "SignedInPageIT#thePageAndWhoamiShowThePersonsOwnLiveConnectionsAndNoOneElses",
                "the page and whoami show everyone's connections", "web/WebApp.java",
                "parts.connections().map(l -> l.of(parts.sessions().of(who).stream().map(Session::id).toList()));",
                "parts.connections().map(l -> l.all());");
        m("X05", "SignedInPageIT#aRefusedConnectIsExplainedInWordsOnThePersonsOwnPageAndWhoamiOnly", "refused connects are not kept for their person", "callout/CalloutResponder.java",
                "refusals.ifPresent(r -> r.refused(", "Optional.<Refusals>empty().ifPresent(r -> r.refused(");
        m("X06", "SignedInPageIT#aRefusedConnectIsExplainedInWordsOnThePersonsOwnPageAndWhoamiOnly", "a token of an ended or expired session is refused without saying why", "callout/Authorizer.java",
                "? sessions.past(tokenHash) : Optional.empty();", "? Optional.<PastSession>empty() : Optional.empty();");
        m("X07", "SignedInPageIT#aRefusedConnectIsExplainedInWordsOnThePersonsOwnPageAndWhoamiOnly", "people of one IdP share one list of refusals", "connections/Refusals.java",
                "(who.idp() + \"\\n\" + who.subject())", "(who.idp())");
        m("A01", "AdminPageIT#onlyTheConfiguredGroupMayOpenItAndOthersAreToldWhichGroupItNeeds",
                "any signed-in person may open the admin page", "web/AdminPage.java",
                "&& who.groups().stream().anyMatch(admins.groups()::contains);", ";");
        m("A02", "AdminPageIT#anAdminSeesLiveSessionsAndConnectionsAndEndsOneThenAllAfterConfirmingEach", "the admin page's form needs no CSRF token", "web/AccessRules.java",
                "case ADMIN_FORM -> adminPerson(ctx, formPoster(ctx), false);",
                "case ADMIN_FORM -> adminPerson(ctx, browsers.find(ctx.cookie(BrowserSessions.COOKIE)), false);");
        m("A03", "AdminPageIT#anAdminSeesLiveSessionsAndConnectionsAndEndsOneThenAllAfterConfirmingEach", "an admin's end acts without asking", "web/AdminPage.java",
                "if (!\"yes\".equals(ctx.formParam(\"confirm\"))) {", "if (false) {");
        m("A04", "AdminStatusIT#aSignInWithTheWrongSignatureShowsItsTimeAndReasonAndAnExpiringCertificateWarnsOnThePageAndInTheMetric",
                "a refused sign-in leaves no trace on the admin page", "web/SignIn.java",
                "        health.refused(idp, code, detail);\n", "");
        m("A05", "AdminStatusIT#aSignInWithTheWrongSignatureShowsItsTimeAndReasonAndAnExpiringCertificateWarnsOnThePageAndInTheMetric",
                "a certificate about to expire is not flagged", "saml/IdpHealth.java",
                "return left(now).compareTo(WARN_BEFORE) < 0;", "return false;");
        m("A06", "ReportIT#theAdminPageHandsOutTheSameReviewAndNobodyElseGetsIt", "any signed-in person downloads everyone's access history",
                "web/WebApp.java", "ctx -> adminPage.report(ctx, f), Access.ADMIN_PAGE);", "ctx -> adminPage.report(ctx, f), Access.BROWSER);");
        m("A07", "AdminStatusIT#aRefusedMappingEditShowsItsFileAndLineAndThePolicyInForceStays", "a refused mapping edit is not shown",
                "policy/PolicySource.java", "            lastRejected = Optional.of(new Rejected(clock.instant(), e.findings(), e.getMessage()));\n", "");
        m("R01", "HoldingsTest#aCellASpreadsheetWouldRunAsAFormulaIsDefused", "an IdP's value runs as a spreadsheet formula",
                "report/CsvReview.java", "String c = !cell.isEmpty() && \"=+-@\".indexOf(cell.charAt(0)) >= 0 ? \"'\" + cell : cell;",
                "String c = cell;");
        m("R02", "HoldingsTest#everyUnreadableLineIsNamedWithWhyAndTheRestStillCounts", "one torn line hides the rest of the log",
                "report/Holdings.java", "            h.line(++n, text);\n", "            h.line(++n, text);\n            if (h.skippedCount() > 0) {\n                break;\n            }\n");
        m("R03", "HoldingsTest#signOutsAreThePersonsOwnEndsAndRevocationsTheCompanysAndAnotherReplicasEchoCountsForNothing",
                "a person's own sign-out is counted as a revocation", "report/Holdings.java",
                "if (OWN.contains(reason)) {", "if (false) {");
        m("B01", "KeyBoundCredsIT#credsConnectWithoutACalloutWithTheGrantAndTheSessionsEndClosesAndRefusesThemThroughTheServer",
                "a key-bound session's end revokes nothing at the server", "Saml2Nats.java",
                "if (!e.session().isKeyBound() || e.why().cause() == Ending.Cause.ELSEWHERE) {", "if (true) {");
        m("B02", "KeyBoundCredsIT#aCopiedTokenAloneNeitherConnectsNorGetsCredsForAKeyOfItsOwn",
                "the token of a key-bound session still connects through the callout", "callout/Authorizer.java",
                "        if (session.isKeyBound()) {", "        if (false) {");
        m("B03", "KeyBoundCredsIT#badKeysAndProofsAreRefusedWithTheirReasonAndNothingIsIssued",
                "creds are issued for a key the caller does not hold", "callout/KeyBoundCreds.java",
                "if (!verifies(key, challenge, signature)) {", "if (false) {");
        m("B04", "KeyBoundCredsIT#badKeysAndProofsAreRefusedWithTheirReasonAndNothingIsIssued",
                "a possession proof can be replayed", "callout/KeyBoundCreds.java",
                "\n                || !challenges.remove(challenge, slot.get())) {", ") {");
        m("B05", "KeyBoundCredsIT#aCopiedTokenAloneNeitherConnectsNorGetsCredsForAKeyOfItsOwn",
                "a copied token gets creds for a key of its own", "session/CaffeineSessionStore.java",
                "out[0] = s.userKey().equals(userKey) ? Binding.BOUND : Binding.OTHER_KEY;\n                return s;",
                "out[0] = Binding.BOUND;\n                return s.boundTo(userKey);");
        m("B06", "KeyBoundCredsIT#aMappingEditThatChangesTheGrantRevokesTheOldJwtAndARefreshASecondLaterGetsTheNewGrant",
                "key-bound creds keep the old grant after a mapping edit", "Saml2Nats.java",
                "            if (session.isKeyBound()) {\n                revokeLater(", "            if (false) {\n                revokeLater(");
        m("B07", "KeyBoundCredsIT#credsConnectWithoutACalloutWithTheGrantAndTheSessionsEndClosesAndRefusesThemThroughTheServer",
                "the ledger cannot tie a creds connection to its session", "connections/ConnectionName.java",
                "        if (nameTag.flatMap(ConnectionName::sessionOf).isPresent()) {", "        if (false) {",
                "connections/ConnectionName.java",
                "return jwt.flatMap(ConnectionName::nameInJwt).filter(n -> sessionOf(n).isPresent()).orElse(u);", "return u;");
        m("W05", "ConfigLoaderTest#theDevIdpListensOnLoopbackOnly", "dev_idp may be set with a public http_host",
                "config/ConfigLoader.java", "if (devIdp && !isLoopback(httpHost)) {", "if (false) {");
        m("W06", "SignInIT#roundTripEndsInANatsConnectionWithTheMappedPermissions", "sign-out without the page's CSRF token",
                "web/AccessRules.java", "if (signed.isPresent() && !sameSecret(signed.get().entry().csrf(), ctx.formParam(\"csrf\"))) {",
                "if (false) {");
        m("W07", "SignInIT#hardening", "pages may be framed (clickjacking)",
                "web/WebApp.java", "        ctx.header(\"X-Frame-Options\", \"DENY\");\n", "");
        m("W10", "SamlBindingsIT#anIdpThatTakesOnlyHttpPostGetsTheRequestPostedSignedInsideAndSignsIn",
                "any inline script may run", "web/WebApp.java",
                "\"default-src 'none'; script-src 'self' \" + Html.AUTO_SUBMIT_SOURCE",
                "\"default-src 'none'; script-src 'self' 'unsafe-inline' \" + Html.AUTO_SUBMIT_SOURCE");
        // ---- policy ----
        m("P01", "PolicyLoaderTest#aPerPersonSubjectMustBeUniqueAcrossIdps", "a per-person subject without {{idp}}",
                "policy/SubjectTemplate.java", "if (personal() && !names().contains(\"idp\")) {", "if (false) {");
        m("P02", "PolicyLoaderTest#aPerPersonSubjectMustBeUniqueAcrossIdps", "two placeholders in one token",
                "policy/SubjectTemplate.java", "if (count > 1) {", "if (false) {");
        m("P03", "PolicyTest#hostileValuesStayOneToken+distinctPeopleGetDistinctSubjects", "placeholder values are not escaped",
                "policy/SubjectTemplate.java", "|| c == '_' || c == '-' || c == '@' || c == '+' || c == '=' || c == '~') {",
                "|| c == '_' || c == '-' || c == '@' || c == '+' || c == '=' || c == '~' || c == '.' || c == '>' || c == '*') {");
        m("P04", "PolicyTest#emptyOrOverlongValueDeniesRatherThanWidens", "an empty value is filled in",
                "policy/SubjectTemplate.java", "if (raw == null || raw.isEmpty()) {", "if (raw == null) {");
        m("P05", "CalloutPlainIT#aDirectionTheRoleDoesNotMentionIsClosed", "a direction no role allows is left open",
                "callout/JwtIssuer.java", "        if (allow.isEmpty()) {\n            return p.deny(Grant.NOTHING);",
                "        if (false) {\n            return p.deny(Grant.NOTHING);");
        m("P06", "PolicyTest#tenantIsolationWhateverGroupsTheAssertionClaims", "an IdP may reach any account",
                "policy/Policy.java", "if (!role.matches(who) || !tenancy.mayGrant(who.idp(), role.account())) {",
                "if (!role.matches(who)) {");
        m("P07", "PolicyTest#aDirectionNoRoleAllowsIsClosedAndExplainSaysSo", "explain is silent about a closed direction",
                "policy/Explanation.java", "        if (allow.isEmpty()) {\n            out.append(verb)",
                "        if (false) {\n            out.append(verb)");
        // ---- CLI hand-off ----
        String loop = "handoff/LoopbackCodes.java", devices = "handoff/DeviceCodes.java", guesses = "handoff/GuessLimit.java";
        m("H01", "CliHandoffTest#anInterceptedCodeIsUselessWithoutTheVerifierAndIsBurntByTheTry", "no PKCE check",
                loop, "Verifier.challenge(verifier).getBytes(StandardCharsets.US_ASCII))) {",
                "pending.challenge().getBytes(StandardCharsets.US_ASCII))) {");
        m("H02", "CliHandoffTest#loopbackCodeTradesOnceForTheApprovalWithTheRightVerifier", "a loopback code works twice",
                loop, "        if (!slots.remove(key, slot)) {\n            throw new Refusal(HandoffError.INVALID_GRANT); // someone redeemed it first",
                "        if (false) {\n            throw new Refusal(HandoffError.INVALID_GRANT); // someone redeemed it first");
        m("H03", "CliHandoffTest#aLoopbackRequestShowsWhatAskedAndIsAnsweredOnceBeforeItExpires", "a loopback request is answered twice",
                loop, "if (!clock.instant().isBefore(pending.expires()) || !slots.remove(key, slot)) {",
                "if (!clock.instant().isBefore(pending.expires())) {");
        m("H04", "CliHandoffTest#wrongGuessesAreLimitedPerSessionEvenForTheRightCodeAfterwards", "wrong device codes are unlimited",
                guesses, "if (g.wrong() > WRONG_GUESSES_PER_SESSION) {", "if (false) {");
        m("H05", "CliHandoffTest#throwAwayIdentitiesGuessingCannotLockARealPersonOut", "the global brake refuses right codes (as before)",
                guesses, "if (g.wrong() > WRONG_GUESSES_PER_SESSION) {",
                "if (g.wrong() > WRONG_GUESSES_PER_SESSION || everyoneWrong > WRONG_GUESSES_PER_MINUTE) {");
        m("H06", "CliStartsTest#deviceStartsAreLimitedPerAddress", "CLI sign-ins may be started without limit",
                "web/CliStarts.java", "if (!byAddress.allow(address)) {", "if (false) {");
        m("H07", "CliHandoffTest#onlyThePersonWhoFoundACodeThroughTheLimitsCanAnswerIt", "anyone may answer a device code",
                devices, "if (!guesser.equals(d.confirmedBy()) || !clock.instant().isBefore(d.expires())",
                "if (!clock.instant().isBefore(d.expires())");
        m("H08", "CliLoginIT#cancelNoAccessAndForgedFormsEndWithoutAToken", "a CLI approval without the page's CSRF token",
                "web/AccessRules.java", "                .filter(s -> sameSecret(s.entry().csrf(), ctx.formParam(\"csrf\")));",
                "                .filter(s -> true);");
        // ---- callout ----
        String dec = "callout/RequestDecoder.java";
        m("C01", "AuthorizerTest#everyGarbledRequestGetsItsCode", "request signatures are not verified",
                "callout/NatsJwt.java", "if (!servers.verifies(issuer, signed, signature)) {", "if (false) {");
        m("C02", "AuthorizerTest#aRequestSignedByOneServerNamingAnotherIsRefused", "the issuer need not be the server it names",
                dec, "if (!issuer.equals(serverId)) {", "if (false) {");
        m("C03", "AuthorizerTest#everyGarbledRequestGetsItsCode", "any server is answered",
                dec, "if (!trust.trusts(serverId)) {", "if (false) {");
        m("C04", "ServerRosterIT#aServerOfTheClusterIsTrustedAndASelfMadeServerKeyIsNot", "the system account vouches for any key",
                "callout/ServerRoster.java", "            Message reply = system.request(",
                "            if (true) return Answer.KNOWN;\n            Message reply = system.request(");
        m("C10", "ServerRosterIT#anAnswerNamingAnotherServerVouchesForNothing", "any answer vouches for the key asked",
                "callout/ServerRoster.java", ".filter(serverId::equals).isPresent()\n                    ? Answer.KNOWN : Answer.UNKNOWN;",
                "!= null ? Answer.KNOWN : Answer.UNKNOWN;");
        m("C05", "AuthorizerTest#aRequestWithoutExpiryIsRefused", "a request without exp is answered",
                dec, "if (exp <= 0) {", "if (false) {");
        m("C06", "AuthorizerTest#everyGarbledRequestGetsItsCode", "an expired request is answered",
                dec, "if (clock.instant().isAfter(expires.plusSeconds(1))) {", "if (false) {");
        m("C07", "AuthorizerTest#aReplayedRequestIsRefusedUntilItExpires", "a replayed request is answered again",
                dec, "if (answered.asMap().putIfAbsent(userNkey, expires.plusSeconds(2)) != null) {", "if (false) {");
        m("C08", "AuthorizerTest#sealedRequestWithoutAnXkeyIsRefused", "a sealed request is read as plain text",
                dec, "            if (XKey.isSealed(data)) {", "            if (false) {");
        m("C09", "AuthorizerTest#allowedAnswerIsAddressedAndSignedAsTheServerChecks", "the response names another server",
                "callout/JwtIssuer.java", "return NatsJwt.issue(issuer, userNkey, null, iat, 0, serverId, new ResponseClaim(userJwt, error));",
                "return NatsJwt.issue(issuer, userNkey, null, iat, 0, \"NOTTHESERVER\", new ResponseClaim(userJwt, error));");
    }

    public static void main(String[] args) throws Exception {
        boolean checkOnly = List.of(args).contains("--check");
        Set<String> wanted = Set.copyOf(List.of(args).stream().filter(a -> !a.startsWith("--")).toList());
        Map<String, Mutation> byId = new LinkedHashMap<>();
        ALL.forEach(m -> byId.put(m.id(), m));
        int problems = documented(byId.keySet());
        List<Mutation> run = ALL.stream().filter(m -> wanted.isEmpty() || wanted.contains(m.id())).toList();
        Map<Path, String> originals = new LinkedHashMap<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> restore(originals)));
        List<String> report = new ArrayList<>();
        for (Mutation m : run) {
            String applied = apply(m, originals);
            try {
                if (applied != null) {
                    report.add(line(m, "DID NOT APPLY: " + applied));
                    problems++;
                    continue;
                }
                if (checkOnly) {
                    continue;
                }
                long start = System.nanoTime();
                Outcome o = test(m.test());
                String took = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s";
                String verdict = switch (o) {
                    case FAILED -> "killed";
                    case PASSED -> "SURVIVED";
                    case BROKEN -> "DID NOT COMPILE";
                };
                if (o != Outcome.FAILED) {
                    problems++;
                }
                report.add(line(m, verdict + " (" + took + ")"));
                System.out.println(report.get(report.size() - 1));
            } finally {
                restore(originals);
            }
        }
        System.out.println();
        report.forEach(System.out::println);
        System.out.println(run.size() + " mutations" + (checkOnly ? " checked" : " run") + ", " + problems + " problems");
        System.exit(problems == 0 ? 0 : 1);
    }

    enum Outcome { FAILED, PASSED, BROKEN }

    static String line(Mutation m, String verdict) {
        return m.id() + "  " + verdict + "  -- " + m.what() + "  [" + m.test() + "]";
    }

    /** Every mutation ID in docs/SECURITY.md is defined here, and every one here is documented. */
    static int documented(Set<String> defined) throws IOException {
        String doc = Files.readString(Path.of("docs/SECURITY.md"));
        Set<String> named = new java.util.TreeSet<>();
        Matcher mm = Pattern.compile("`([A-Z]\\d\\d)`").matcher(doc);
        while (mm.find()) {
            named.add(mm.group(1));
        }
        int problems = 0;
        for (String id : named) {
            if (!defined.contains(id)) {
                System.out.println(id + "  named in docs/SECURITY.md but not defined in scripts/Mutations.java");
                problems++;
            }
        }
        for (String id : defined) {
            if (!named.contains(id)) {
                System.out.println(id + "  defined here but not named in docs/SECURITY.md");
                problems++;
            }
        }
        return problems;
    }

    /** Applies every edit, or returns why one could not be (its text is not there exactly once). */
    static String apply(Mutation m, Map<Path, String> originals) throws IOException {
        for (Edit e : m.edits()) {
            Path file = Path.of(e.file());
            if (!Files.isRegularFile(file)) {
                return e.file() + ": no such file (the code moved: update the mutation's path)";
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            originals.putIfAbsent(file, text);
            int at = text.indexOf(e.from());
            if (at < 0 || text.indexOf(e.from(), at + 1) >= 0) {
                return e.file() + ": the defence's text is " + (at < 0 ? "not there" : "there more than once")
                        + " (update the mutation with the code)";
            }
            Files.writeString(file, text.replace(e.from(), e.to()), StandardCharsets.UTF_8);
        }
        return null;
    }

    static void restore(Map<Path, String> originals) {
        originals.forEach((file, text) -> {
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                System.err.println("could not restore " + file + ": " + e + " (git checkout -- " + file + ")");
            }
        });
        originals.clear();
    }

    static Outcome test(String selector) throws Exception {
        String mvn = System.getenv().getOrDefault("MVN", "mvn -B -q -ntp");
        List<String> cmd = new ArrayList<>(List.of(mvn.split(" ")));
        cmd.addAll(List.of("test", "-Dtest=" + selector, "-Dsurefire.failIfNoSpecifiedTests=false"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        if (out.contains("COMPILATION ERROR")) {
            System.out.println(out.lines().filter(l -> l.contains("ERROR") && l.contains(".java")).limit(3)
                    .reduce("", (a, b) -> a + b + "\n"));
            return Outcome.BROKEN;
        }
        if (code != 0 && !out.contains("Tests run:") && !out.contains("FAIL")) {
            System.out.println(out.lines().limit(20).reduce("", (a, b) -> a + b + "\n"));
            return Outcome.BROKEN;
        }
        return code == 0 ? Outcome.PASSED : Outcome.FAILED;
    }
}
