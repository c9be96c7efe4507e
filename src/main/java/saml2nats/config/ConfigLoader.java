package saml2nats.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the service config file, applies environment overrides, loads the secrets it
 * names and parses them with the keys and certificates ({@link KeyMaterial}), and reports
 * every problem at once with the setting and line.
 *
 * <p>Environment overrides (for containers): {@code SAML2NATS_PUBLIC_URL},
 * {@code SAML2NATS_HTTP_PORT}, {@code SAML2NATS_NATS_URL}, {@code SAML2NATS_NATS_PASSWORD},
 * {@code SAML2NATS_ISSUER_SEED}, {@code SAML2NATS_XKEY_SEED}, {@code SAML2NATS_NATS_SYSTEM_PASSWORD},
 * {@code SAML2NATS_ADMIN_TOKEN}.
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);

    private static final Set<String> TOP = Set.of("public_url", "http_host", "http_port", "nats", "callout", "accounts", "policy",
            "sessions", "idps", "dev_idp", "audit_log", "sp", "allowed_return_urls", "trusted_proxies", "admin_token_file",
            "operator", "store", "kv", "metadata_cache_dir", "scim", "admin");
    private static final Set<String> ADMIN = Set.of("groups", "idps");
    private static final Set<String> SCIM = Set.of("idp", "token_file", "token_sha256", "match");
    /** A SCIM bearer token an IdP could not guess: Okta and Entra ID take any secret the admin pastes. */
    private static final int MIN_SCIM_TOKEN = 32;
    private static final Set<String> KV = Set.of("bucket_prefix", "replicas");
    private static final Set<String> SP = Set.of("signing_key_file", "signing_certificate_file",
            "decryption_key_file", "decryption_certificate_file");
    private static final Set<String> ATTRIBUTE_FIELDS = Set.of("email", "username", "display_name", "given_name",
            "family_name", "groups");
    private static final Set<String> NATS = Set.of("url", "user", "password_file", "system_user", "system_password_file",
            "creds_file", "system_creds_file");
    private static final Set<String> OPERATOR = Set.of("accounts", "sentinel_creds_file", "operator_seed_file");
    private static final Set<String> OPERATOR_ACCOUNT = Set.of("public_key", "signing_key_files");
    private static final Set<String> CALLOUT = Set.of("issuer_seed_file", "xkey_seed_file", "allowed_servers",
            "queue_group", "workers", "max_pending", "max_wait");
    private static final Set<String> POLICY = Set.of("file", "poll");
    private static final Set<String> SESSIONS = Set.of("max", "length", "jwt_expiry_jitter");
    private static final Set<String> IDP = Set.of("id", "label", "accounts", "entity_id", "sso_url", "slo_url",
            "certificates", "metadata_file", "metadata_url", "metadata_refresh", "attributes", "domains",
            "allow_idp_initiated", "allow_sha1", "clock_skew", "kind", "metadata_signing_certificate", "sp_entity_id",
            "acs_path");
    /** An entity ID is at most 1024 characters (SAML Core 8.3.6). */
    private static final int MAX_ENTITY_ID = 1024;
    /** Segments of letters, digits and . _ ~ - (nothing a router or a proxy reads as syntax). */
    private static final java.util.regex.Pattern ACS_PATH = java.util.regex.Pattern.compile("(/[A-Za-z0-9._~-]+)+");
    /** The shape of this service's own per-IdP paths, which an acs_path would collide with. */
    private static final java.util.regex.Pattern PER_IDP_PATH = java.util.regex.Pattern.compile("/saml/[^/]+/(login|acs|metadata|slo)");

    private final Map<String, String> env;
    private final boolean readSecrets;

    public ConfigLoader(Map<String, String> env) {
        this(env, true);
    }

    private ConfigLoader(Map<String, String> env, boolean readSecrets) {
        this.env = env;
        this.readSecrets = readSecrets;
    }

    /** For commands that only need the file's shape (check, explain): secrets are neither read nor required. */
    public static ConfigLoader withoutSecrets(Map<String, String> env) {
        return new ConfigLoader(env, false);
    }

    public Config load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot read the config file (" + e.getClass().getSimpleName() + ")"));
        }
        Path base = file.toAbsolutePath().getParent();
        List<YamlMap.Problem> problems = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        YamlMap top = YamlMap.parse(text, problems);
        top.allowOnly(TOP);

        URI publicUrl = uri(env.getOrDefault("SAML2NATS_PUBLIC_URL",
                top.string("public_url").orElse("http://localhost:" + Config.DEFAULT_HTTP_PORT)), "public_url", errors);
        int httpPort = integer(env.getOrDefault("SAML2NATS_HTTP_PORT",
                top.string("http_port").orElse(String.valueOf(Config.DEFAULT_HTTP_PORT))), "http_port", 0, 65535, errors);

        YamlMap nats = top.map("nats").orElse(YamlMap.parse("{}", problems));
        nats.allowOnly(NATS);
        Optional<Secret> password = secret("SAML2NATS_NATS_PASSWORD", nats.string("password_file"), base, "nats.password_file", errors, false);
        Optional<String> systemUser = nats.string("system_user");
        Optional<Secret> systemPassword = systemUser.isPresent()
                ? secret("SAML2NATS_NATS_SYSTEM_PASSWORD", nats.string("system_password_file"), base, "nats.system_password_file", errors, true)
                : Optional.empty();
        Optional<Path> creds = nats.string("creds_file").map(base::resolve);
        Optional<Path> systemCreds = nats.string("system_creds_file").map(base::resolve);
        Config.Nats natsConfig = new Config.Nats(env.getOrDefault("SAML2NATS_NATS_URL", nats.string("url").orElse(Config.DEFAULT_NATS_URL)),
                nats.string("user").orElse(""), password, systemUser, systemPassword, creds, systemCreds);
        if (natsConfig.user().isEmpty() && creds.isEmpty()) {
            errors.add("nats.user: required (or nats.creds_file in operator mode); the service connects as a user "
                    + "listed in auth_callout.auth_users");
        }

        YamlMap callout = top.map("callout").orElse(YamlMap.parse("{}", problems));
        callout.allowOnly(CALLOUT);
        Optional<Secret> issuer = secret("SAML2NATS_ISSUER_SEED", callout.string("issuer_seed_file"), base, "callout.issuer_seed_file", errors, true);
        Optional<Secret> xkey = secret("SAML2NATS_XKEY_SEED", callout.string("xkey_seed_file"), base, "callout.xkey_seed_file", errors, false);
        Set<String> servers = new LinkedHashSet<>();
        callout.scalars("allowed_servers").forEach(s -> servers.add(s.value()));
        Config.Callout calloutConfig = new Config.Callout(issuer.orElse(new Secret("", "missing")), xkey, servers,
                callout.string("queue_group").orElse(Config.DEFAULT_QUEUE_GROUP),
                integer(callout.string("workers").orElse(String.valueOf(Config.DEFAULT_WORKERS)), "callout.workers", 1, 256, errors),
                integer(callout.string("max_pending").orElse(String.valueOf(Config.DEFAULT_MAX_PENDING)), "callout.max_pending", 1, 1_000_000, errors),
                duration(callout.string("max_wait"), "callout.max_wait", Config.DEFAULT_MAX_WAIT, errors));

        Set<String> accounts = new LinkedHashSet<>();
        top.scalars("accounts").forEach(s -> accounts.add(s.value()));
        Optional<Config.Operator> operator = top.map("operator").map(op -> operator(op, base, errors));
        if (operator.isPresent()) {
            Set<String> named = operator.get().accounts().keySet();
            if (!accounts.isEmpty() && !accounts.equals(named)) {
                errors.add("accounts: in operator mode the accounts are operator.accounts (" + named + "); drop accounts "
                        + "or list the same names (it lists " + accounts + ")");
            }
            accounts.addAll(named);
        }
        if (accounts.isEmpty()) {
            errors.add("accounts: list the NATS accounts this service may place people in (as named in nats-server.conf)");
        }

        YamlMap policy = top.map("policy").orElse(YamlMap.parse("{}", problems));
        policy.allowOnly(POLICY);
        Path policyFile = base.resolve(policy.string("file").orElse("mapping.yaml"));
        Duration poll = duration(policy.string("poll"), "policy.poll", Config.DEFAULT_POLICY_POLL, errors);

        YamlMap sessions = top.map("sessions").orElse(YamlMap.parse("{}", problems));
        sessions.allowOnly(SESSIONS);
        Config.Sessions sessionConfig = new Config.Sessions(
                integer(sessions.string("max").orElse(String.valueOf(Config.DEFAULT_MAX_SESSIONS)), "sessions.max", 1, Integer.MAX_VALUE, errors),
                duration(sessions.string("length"), "sessions.length", Config.DEFAULT_SESSION_LENGTH, errors),
                integer(sessions.string("jwt_expiry_jitter").map(t -> t.trim().replaceFirst("%$", ""))
                                .orElse(String.valueOf(Config.Sessions.DEFAULT_JWT_JITTER_PERCENT)),
                        "sessions.jwt_expiry_jitter (percent)", 0, Config.Sessions.MAX_JWT_JITTER_PERCENT, errors));

        Path metadataCache = base.resolve(top.string("metadata_cache_dir").orElse(Config.Idp.DEFAULT_METADATA_CACHE_DIR));
        List<Config.Idp> idps = new ArrayList<>();
        for (YamlMap idp : top.maps("idps")) {
            idp.allowOnly(IDP);
            String id = idp.required("id").value();
            Set<String> idpAccounts = new LinkedHashSet<>();
            for (YamlMap.Scalar s : idp.scalars("accounts")) {
                if (!accounts.contains(s.value())) {
                    errors.add("line " + s.line() + ": idps[" + id + "].accounts names '" + s.value() + "', which is not in accounts");
                }
                idpAccounts.add(s.value());
            }
            idps.add(idp(idp, id, idpAccounts, base, metadataCache, errors));
        }
        Set<String> ids = new java.util.HashSet<>();
        Map<String, String> acsPaths = new java.util.HashMap<>();
        for (Config.Idp i : idps) {
            if (!ids.add(i.id())) {
                errors.add("idps: the id '" + i.id() + "' is used twice; each IdP needs its own id (it is part of its URLs)");
            }
            i.acsPath().map(p -> acsPaths.putIfAbsent(p, i.id())).filter(other -> !other.equals(i.id())).ifPresent(other ->
                    errors.add("idps[" + i.id() + "].acs_path: " + i.acsPath().get() + " is already the ACS of idps[" + other
                            + "]; each IdP needs its own (the path says which IdP's trust a Response is checked against)"));
        }
        YamlMap sp = top.map("sp").orElse(YamlMap.parse("{}", problems));
        sp.allowOnly(SP);
        Config.Sp spConfig = new Config.Sp(sp.string("signing_key_file").map(base::resolve),
                sp.string("signing_certificate_file").map(base::resolve),
                sp.string("decryption_key_file").map(base::resolve),
                sp.string("decryption_certificate_file").map(base::resolve));
        List<String> returnUrls = top.scalars("allowed_return_urls").stream().map(YamlMap.Scalar::value).toList();
        List<AddressRange> proxies = new ArrayList<>();
        for (YamlMap.Scalar s : top.scalars("trusted_proxies")) {
            AddressRange.parse(s.value()).ifPresentOrElse(proxies::add, () -> errors.add("line " + s.line()
                    + ": trusted_proxies: '" + s.value() + "' is not an IP address or CIDR range such as 10.0.0.0/8"));
        }
        boolean devIdp = bool(top.string("dev_idp"), "dev_idp", errors);
        String httpHost = env.getOrDefault("SAML2NATS_HTTP_HOST",
                top.string("http_host").orElse(devIdp ? Config.LOOPBACK : Config.ANY_INTERFACE));
        if (devIdp && !isLoopback(httpHost)) {
            errors.add("dev_idp: true lets anybody who reaches the service sign in as a test person, so it listens on "
                    + "127.0.0.1 only; http_host is " + httpHost + ". Drop http_host, or set dev_idp: false");
        }
        String auditText = top.string("audit_log").orElse("-").trim();
        Optional<Path> audit = auditText.isEmpty() || auditText.equals("-")
                ? Optional.empty() : Optional.of(base.resolve(auditText));

        Optional<Secret> admin = secret("SAML2NATS_ADMIN_TOKEN", top.string("admin_token_file"), base, "admin_token_file",
                errors, false);
        // an empty or short admin token would let anyone (or a guesser) end everyone's sessions
        admin.filter(a -> readSecrets && a.value().length() < 32).ifPresent(a -> errors.add(
                "admin_token_file: the admin token must be at least 32 characters (e.g. openssl rand -base64 32)"));
        Config.Store store = store(top, errors);
        List<Config.Scim> scim = scim(top, devIdp ? union(ids, Config.DEV_IDP) : ids, base, errors);
        Config.Admins admins = admins(top, devIdp ? union(ids, Config.DEV_IDP) : ids, errors);
        checkKeys(issuer, xkey, operator, idps, spConfig, errors);
        // last, so that the shape problems of every map read above are in (kv's once were not)
        for (YamlMap.Problem p : problems) {
            errors.add("line " + p.line() + ": " + p.message());
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.stream().map(e -> file + ": " + e).toList());
        }
        return new Config(publicUrl, httpHost, httpPort, natsConfig, calloutConfig, accounts, policyFile, poll, sessionConfig,
                idps, devIdp, audit, spConfig, returnUrls, proxies, admin, operator, store, scim, admins);
    }

    /** {@code admin: { groups: [...], idps: [...] }}: who may use the admin page. */
    private static Config.Admins admins(YamlMap top, Set<String> idpIds, List<String> errors) {
        Optional<YamlMap> admin = top.map("admin");
        if (admin.isEmpty()) {
            return Config.Admins.NONE;
        }
        admin.get().allowOnly(ADMIN);
        List<String> groups = admin.get().scalars("groups").stream().map(YamlMap.Scalar::value).filter(g -> !g.isBlank()).toList();
        List<String> idps = new ArrayList<>();
        for (YamlMap.Scalar i : admin.get().scalars("idps")) {
            if (idpIds.contains(i.value())) {
                idps.add(i.value());
            } else {
                errors.add("line " + i.line() + ": admin.idps: '" + i.value() + "' is not the id of a configured IdP ("
                        + String.join(", ", new java.util.TreeSet<>(idpIds)) + ")");
            }
        }
        if (groups.isEmpty()) {
            errors.add("admin: groups is empty, so nobody could use the admin page: name the SAML groups whose members may "
                    + "(e.g. groups: [nats-admins]), or drop admin:");
        }
        return new Config.Admins(groups, idps);
    }

    /** {@code scim:} one entry per provisioning IdP (a list, or a single mapping). */
    private List<Config.Scim> scim(YamlMap top, Set<String> idpIds, Path base, List<String> errors) {
        List<YamlMap> entries = top.isMap("scim") ? top.map("scim").map(List::of).orElse(List.of()) : top.maps("scim");
        List<Config.Scim> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (YamlMap e : entries) {
            e.allowOnly(SCIM);
            String idp = e.string("idp").orElse("");
            String where = "scim[" + idp + "]";
            if (idp.isEmpty()) {
                errors.add("line " + e.line() + ": scim: each entry needs idp: the id of the IdP entry it provisions");
                continue;
            }
            if (!idpIds.contains(idp)) {
                errors.add("line " + e.line() + ": " + where + ".idp names '" + idp + "', which is not an id under idps");
            }
            if (!seen.add(idp)) {
                errors.add("line " + e.line() + ": " + where + ": one scim entry per IdP (this one is listed twice)");
            }
            String matchText = e.string("match").orElse(Config.Scim.Match.EMAIL.configName());
            Config.Scim.Match match = java.util.Arrays.stream(Config.Scim.Match.values())
                    .filter(m -> m.configName().equals(matchText)).findFirst().orElseGet(() -> {
                        errors.add(where + ".match: '" + matchText + "' is not one of email, nameid, username "
                                + "(which attribute of a signed-in person the SCIM userName names)");
                        return Config.Scim.Match.EMAIL;
                    });
            Optional<String> hash = e.string("token_sha256").map(h -> h.trim().toLowerCase(java.util.Locale.ROOT));
            Optional<String> file = e.string("token_file");
            byte[] digest = new byte[32];
            if (hash.isPresent() == file.isPresent()) {
                errors.add(where + ": give exactly one of token_file (the bearer token the IdP sends) or token_sha256 "
                        + "(its SHA-256 in hex: printf %s \"$TOKEN\" | sha256sum)");
            } else if (hash.isPresent()) {
                if (!hash.get().matches("[0-9a-f]{64}")) {
                    errors.add(where + ".token_sha256: 64 hex digits (printf %s \"$TOKEN\" | sha256sum), not '"
                            + hash.get().length() + " characters'");
                } else {
                    digest = java.util.HexFormat.of().parseHex(hash.get());
                }
            } else if (readSecrets) {
                Optional<Secret> token = secret("SAML2NATS_SCIM_TOKEN_" + idp.toUpperCase(java.util.Locale.ROOT)
                        .replace('-', '_'), file, base, where + ".token_file", errors, false);
                if (token.isPresent() && token.get().value().length() < MIN_SCIM_TOKEN) {
                    errors.add(where + ".token_file: the token must be at least " + MIN_SCIM_TOKEN
                            + " characters (e.g. openssl rand -base64 32)");
                }
                if (token.isPresent()) {
                    digest = sha256(token.get().value());
                }
            }
            out.add(new Config.Scim(idp, digest, match));
        }
        return out;
    }

    private static Set<String> union(Set<String> ids, String one) {
        Set<String> all = new java.util.HashSet<>(ids);
        all.add(one);
        return all;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static Config.Idp idp(YamlMap idp, String id, Set<String> accounts, Path base, Path metadataCache,
                                  List<String> errors) {
        String where = "idps[" + id + "]";
        if (!id.matches("[a-z0-9][a-z0-9-]{0,31}")) {
            errors.add(where + ".id: use 1-32 lower-case letters, digits and dashes (it becomes part of URLs)");
        }
        Map<String, List<String>> attributes = new java.util.LinkedHashMap<>();
        idp.map("attributes").ifPresent(a -> {
            a.allowOnly(ATTRIBUTE_FIELDS);
            for (String field : ATTRIBUTE_FIELDS) {
                List<String> names = a.scalars(field).stream().map(YamlMap.Scalar::value).toList();
                if (!names.isEmpty()) {
                    attributes.put(field, names);
                }
            }
        });
        Optional<URI> metadataUrl = idp.string("metadata_url").map(u -> uri(u, where + ".metadata_url", errors));
        Optional<Path> metadataFile = idp.string("metadata_file").map(base::resolve);
        List<String> certificates = idp.scalars("certificates").stream().map(s -> certificate(s.value(), base)).toList();
        String entityId = idp.string("entity_id").orElse("");
        String sso = idp.string("sso_url").orElse("");
        if (metadataUrl.isEmpty() && metadataFile.isEmpty() && (entityId.isEmpty() || sso.isEmpty() || certificates.isEmpty())) {
            errors.add(where + ": give metadata_file or metadata_url, or all of entity_id, sso_url and certificates");
        }
        if (certificates.size() > 2) {
            errors.add(where + ".certificates: at most two (the current one and the next, during a rotation)");
        }
        for (String deciding : List.of("groups", "username", "email")) {
            if (attributes.getOrDefault(deciding, List.of()).size() > 1) {
                errors.add(where + ".attributes." + deciding + ": name the one attribute that carries " + deciding
                        + " at this IdP (it lists " + attributes.get(deciding) + "); taking whichever an assertion carries "
                        + "would let one attribute stand in for another (roles read as groups)");
            }
        }
        String kindText = idp.string("kind").orElse(IdpKind.GENERIC.configName());
        IdpKind kind = IdpKind.fromConfig(kindText).orElseGet(() -> {
            errors.add(where + ".kind: '" + kindText + "' is not one of " + java.util.Arrays.stream(IdpKind.values())
                    .map(IdpKind::configName).toList());
            return IdpKind.GENERIC;
        });
        Optional<String> metadataSigner = idp.string("metadata_signing_certificate").map(c -> certificate(c, base));
        metadataUrl.filter(u -> "http".equalsIgnoreCase(u.getScheme()) && !isLoopback(u.getHost()) && metadataSigner.isEmpty())
                .ifPresent(u -> errors.add(where + ".metadata_url: " + u + " is plain http, so anyone on the way could "
                        + "swap the IdP's certificate for their own; use https, or set metadata_signing_certificate "
                        + "to the certificate the IdP signs its metadata with"));
        metadataUrl.filter(u -> !"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()))
                .ifPresent(u -> errors.add(where + ".metadata_url: " + u + " must be an https URL"));
        Optional<String> spEntityId = idp.string("sp_entity_id");
        spEntityId.filter(e -> !isAbsoluteUri(e) || e.length() > MAX_ENTITY_ID).ifPresent(e -> errors.add(where
                + ".sp_entity_id: '" + e + "' is not an absolute URI of at most " + MAX_ENTITY_ID + " characters "
                + "(such as https://nats-login.example.com/saml or urn:example:nats)"));
        Optional<String> acsPath = idp.string("acs_path");
        acsPath.ifPresent(p -> acsPathProblem(p).ifPresent(why -> errors.add(where + ".acs_path: '" + p + "' " + why)));
        return new Config.Idp(id, idp.string("label").orElse(id), accounts, entityId, sso, idp.string("slo_url").orElse(""),
                certificates, metadataFile, metadataUrl,
                duration(idp.string("metadata_refresh"), where + ".metadata_refresh", Config.Idp.DEFAULT_METADATA_REFRESH, errors),
                attributes, idp.scalars("domains").stream().map(s -> s.value().toLowerCase(java.util.Locale.ROOT)).toList(),
                bool(idp.string("allow_idp_initiated"), where + ".allow_idp_initiated", errors),
                bool(idp.string("allow_sha1"), where + ".allow_sha1", errors),
                duration(idp.string("clock_skew"), where + ".clock_skew", Config.Idp.DEFAULT_CLOCK_SKEW, errors),
                kind, metadataSigner, metadataCache, spEntityId, acsPath);
    }

    private static boolean isAbsoluteUri(String text) {
        try {
            return URI.create(text).isAbsolute();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Why a path cannot be an ACS path under public_url, if it cannot. */
    private static Optional<String> acsPathProblem(String path) {
        if (!path.startsWith("/")) {
            return Optional.of("must start with / (it is a path under public_url, such as /saml/acs)");
        }
        if (!ACS_PATH.matcher(path).matches()) {
            return Optional.of("must be a plain path: segments of letters, digits and . _ ~ - between single slashes, "
                    + "no query, fragment, percent-encoding or trailing slash");
        }
        if (java.util.Arrays.stream(path.split("/")).anyMatch(s -> s.equals(".") || s.equals(".."))) {
            return Optional.of("has a . or .. segment: the path the IdP posts to must be the path the service answers");
        }
        if (PER_IDP_PATH.matcher(path).matches()) {
            return Optional.of("has the shape of this service's own per-IdP paths (/saml/{id}/login, acs, metadata, slo); "
                    + "pick another, such as /saml/acs");
        }
        return Optional.empty();
    }

    /**
     * Parses the seeds, keys and certificates named, so that a wrong one is refused with the rest
     * rather than at first use; only when secrets are read (the SP's pairs are checked always).
     */
    private void checkKeys(Optional<Secret> issuer, Optional<Secret> xkey, Optional<Config.Operator> operator,
                           List<Config.Idp> idps, Config.Sp sp, List<String> errors) {
        KeyMaterial.pair(sp.signingKey(), sp.signingCertificate(), "sp.signing_key_file", "sp.signing_certificate_file",
                readSecrets, errors);
        KeyMaterial.pair(sp.decryptionKey(), sp.decryptionCertificate(), "sp.decryption_key_file",
                "sp.decryption_certificate_file", readSecrets, errors);
        if (!readSecrets) {
            return;
        }
        issuer.ifPresent(s -> KeyMaterial.accountSeed(s, "callout.issuer_seed_file", errors));
        xkey.ifPresent(s -> KeyMaterial.curveSeed(s, "callout.xkey_seed_file", errors));
        operator.ifPresent(op -> op.accounts().forEach((name, account) -> {
            KeyMaterial.accountPublicKey(account.publicKey(), "operator.accounts." + name + ".public_key", errors);
            account.signingKeys().forEach(k -> KeyMaterial.operatorSigningKey(k, "operator.accounts." + name
                    + ".signing_key_files", errors));
        }));
        operator.flatMap(Config.Operator::operatorSeed).ifPresent(s -> KeyMaterial.operatorSeed(s,
                "operator.operator_seed_file", errors));
        for (Config.Idp idp : idps) {
            idp.certificates().forEach(c -> KeyMaterial.certificate(c, "idps[" + idp.id() + "].certificates", errors));
            idp.metadataSigningCertificate().ifPresent(c -> KeyMaterial.certificate(c, "idps[" + idp.id()
                    + "].metadata_signing_certificate", errors));
        }
    }

    /** A certificate entry as given, or, when it names a file, that file's path from the config file's folder. */
    private static String certificate(String text, Path base) {
        return Certificates.isFilePath(text) ? base.resolve(text.trim()).toString() : text;
    }

    /** localhost, or a literal loopback address (127.0.0.0/8, ::1): reachable from this machine only. */
    static boolean isLoopback(String host) {
        if ("localhost".equalsIgnoreCase(host)) {
            return true;
        }
        return AddressRange.literal(host).map(b -> b.length == 4 ? b[0] == 127
                : java.util.Arrays.equals(b, new byte[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})).orElse(false);
    }

    private static boolean bool(Optional<String> text, String setting, List<String> errors) {
        if (text.isEmpty()) {
            return false;
        }
        return switch (text.get()) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                errors.add(setting + ": must be true or false, was '" + text.get() + "'");
                yield false;
            }
        };
    }

    /** From the environment variable, else from the file the setting names. */
    private static Config.Store store(YamlMap top, List<String> errors) {
        String kind = top.string("store").orElse("embedded");
        YamlMap kv = top.map("kv").orElse(null);
        String prefix = "saml2nats";
        int replicas = 1;
        if (kv != null) {
            kv.allowOnly(KV);
            prefix = kv.string("bucket_prefix").orElse(prefix);
            replicas = integer(kv.string("replicas").orElse("1"), "kv.replicas", 1, 5, errors);
            if (!prefix.matches("[A-Za-z0-9_-]+")) {
                errors.add("kv.bucket_prefix: use letters, digits, '-' and '_' (it names JetStream KV buckets); got " + prefix);
            }
        }
        return switch (kind) {
            case "embedded" -> Config.Store.EMBEDDED;
            case "nats-kv" -> new Config.Store(Config.Store.Kind.NATS_KV, prefix, replicas);
            default -> {
                errors.add("store: '" + kind + "' is not a store; use embedded (this process) or nats-kv (JetStream KV, "
                        + "shared by replicas)");
                yield Config.Store.EMBEDDED;
            }
        };
    }

    private Config.Operator operator(YamlMap op, Path base, List<String> errors) {
        op.allowOnly(OPERATOR);
        java.util.Map<String, Config.OperatorAccount> accounts = new java.util.LinkedHashMap<>();
        YamlMap list = op.map("accounts").orElse(null);
        if (list == null || list.keys().isEmpty()) {
            errors.add("operator.accounts: name each target account with its public_key and signing_key_files");
        } else {
            for (String name : list.keys()) {
                Optional<YamlMap> a = list.map(name);
                if (a.isEmpty()) {
                    errors.add("operator.accounts." + name + ": give { public_key: A..., signing_key_files: [file] }");
                    continue;
                }
                a.get().allowOnly(OPERATOR_ACCOUNT);
                List<Secret> keys = new ArrayList<>();
                List<YamlMap.Scalar> files = a.get().scalars("signing_key_files");
                if (files.isEmpty()) {
                    errors.add("operator.accounts." + name + ".signing_key_files: list at least one; the service signs "
                            + "people's JWTs for " + name + " with it");
                }
                for (YamlMap.Scalar f : files) {
                    secret("", Optional.of(f.value()), base, "operator.accounts." + name + ".signing_key_files", errors, true)
                            .ifPresent(keys::add);
                }
                accounts.put(name, new Config.OperatorAccount(a.get().required("public_key").value(), keys));
            }
        }
        Optional<Secret> operatorSeed = op.string("operator_seed_file").isEmpty() ? Optional.empty()
                : secret("", op.string("operator_seed_file"), base, "operator.operator_seed_file", errors, true);
        return new Config.Operator(accounts, op.string("sentinel_creds_file").map(base::resolve), operatorSeed);
    }

    private Optional<Secret> secret(String envName, Optional<String> fileSetting, Path base, String setting,
                                    List<String> errors, boolean required) {
        if (!readSecrets) {
            return Optional.of(new Secret("", "not read"));
        }
        String fromEnv = env.get(envName);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Secret(fromEnv.trim(), "$" + envName));
        }
        if (fileSetting.isEmpty()) {
            if (required) {
                errors.add(setting + ": required (or set $" + envName + "); 'saml2nats keys init DIR' makes one");
            }
            return Optional.empty();
        }
        Path path = base.resolve(fileSetting.get());
        try {
            warnIfShared(path, setting);
            return Optional.of(new Secret(Files.readString(path).trim(), path.toString()));
        } catch (IOException e) {
            errors.add(setting + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    private static void warnIfShared(Path path, String setting) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                log.warn("{} ({}) is readable by other users; run: chmod 600 {}", setting, path, path);
            }
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: nothing to check
        }
    }

    private static URI uri(String text, String setting, List<String> errors) {
        try {
            URI uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            errors.add(setting + ": '" + text + "' is not an absolute URL such as https://nats-login.example.com");
            return URI.create("http://localhost");
        }
    }

    private static int integer(String text, String setting, int min, int max, List<String> errors) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(setting + ": must be a whole number from " + min + " to " + max + ", was '" + text + "'");
        return min;
    }

    private static Duration duration(Optional<String> text, String setting, Duration otherwise, List<String> errors) {
        if (text.isEmpty()) {
            return otherwise;
        }
        return Durations.parse(text.get()).orElseGet(() -> {
            errors.add(setting + ": must be a duration such as 90s, 15m or 8h, was '" + text.get() + "'");
            return otherwise;
        });
    }
}
