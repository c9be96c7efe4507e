package saml2nats.web;

/** Server-rendered pages: escaping and the one shared frame, so every page looks like the same product. */
final class Html {
    /** The page's one script: it posts the SAML form on, as a person pressing Continue would. */
    static final String AUTO_SUBMIT = "document.getElementById('saml-post').submit();";
    /** The CSP source that lets {@link #AUTO_SUBMIT} run, and no other script. */
    static final String AUTO_SUBMIT_SOURCE = "'sha256-" + sha256(AUTO_SUBMIT) + "'";

    private Html() { }

    private static String sha256(String text) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String page(String title, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s · saml2nats</title>
                <style>
                  :root { --ink:#1d2433; --muted:#5b6478; --line:#dfe3ea; --accent:#2a6df4; --bg:#f6f7fb; }
                  * { box-sizing: border-box; }
                  body { margin:0; font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif; color:var(--ink); background:var(--bg); }
                  header { background:#fff; border-bottom:1px solid var(--line); padding:14px 24px; display:flex; align-items:center; gap:12px; }
                  header b { font-size:18px; } header span { color:var(--muted); font-size:14px; }
                  main { max-width:820px; margin:32px auto; padding:0 20px; }
                  .card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:22px 26px; margin-bottom:20px; }
                  h1 { font-size:24px; margin:0 0 8px; } h2 { font-size:17px; margin:0 0 12px; }
                  p.muted, .muted { color:var(--muted); }
                  button, .button { background:var(--accent); color:#fff; border:0; border-radius:7px; padding:9px 16px; font-size:15px; cursor:pointer; text-decoration:none; display:inline-block; }
                  button.secondary { background:#fff; color:var(--ink); border:1px solid var(--line); }
                  pre, code { font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace; }
                  pre { background:#0f1522; color:#e6e9ef; padding:12px 14px; border-radius:7px; overflow-x:auto; white-space:pre-wrap; word-break:break-all; }
                  table { border-collapse:collapse; width:100%%; } td, th { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
                  th { color:var(--muted); font-weight:500; width:30%%; }
                  .tag { display:inline-block; background:#eef3ff; color:#1f4fb8; border-radius:5px; padding:1px 8px; margin:2px 4px 2px 0; font-size:13px; }
                  .warn { background:#fff7e6; border-color:#f3d18a; }
                  .alert { color:#9a3b00; font-weight:600; }
                  .scroll { overflow-x:auto; }
                  .row { display:flex; gap:10px; flex-wrap:wrap; }
                </style></head>
                <body><header><b>saml2nats</b><span>sign in once, connect to NATS</span></header>
                <main>%s</main></body></html>
                """.formatted(esc(title), body);
    }
}
