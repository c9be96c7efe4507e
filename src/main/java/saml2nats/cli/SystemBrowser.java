package saml2nats.cli;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The person's own browser: {@code $BROWSER} when set, as xdg-open and Python's
 * webbrowser read it (commands separated by {@code :}, {@code ;} on Windows, tried in
 * order; {@code %s} in one stands for the address, else the address is its last word;
 * no shell, so an address cannot run anything), otherwise the desktop's opener
 * ({@code xdg-open}, macOS {@code open}).
 *
 * @param env the environment: {@code BROWSER}, {@code DISPLAY}, {@code WAYLAND_DISPLAY}
 */
record SystemBrowser(Map<String, String> env) implements Login.Browser {
    public static final String VARIABLE = "BROWSER";

    @Override
    public boolean open(URI url) {
        String chosen = env.getOrDefault(VARIABLE, "").trim();
        if (!chosen.isEmpty()) {
            return Arrays.stream(chosen.split(File.pathSeparator)).map(String::trim).filter(c -> !c.isEmpty())
                    .anyMatch(c -> chosen(c, url));
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        List<String> command = os.contains("mac") ? List.of("open", url.toString())
                : os.contains("win") ? List.of("rundll32", "url.dll,FileProtocolHandler", url.toString())
                : List.of("xdg-open", url.toString());
        if (!os.contains("mac") && !os.contains("win") && env.get("DISPLAY") == null && env.get("WAYLAND_DISPLAY") == null) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One command of {@code $BROWSER}, on the terminal as xdg-open runs it (a text browser
     * needs it). One still running after a few seconds is a browser showing the page
     * (a first {@code firefox} stays until closed), so it counts as opened and is left be.
     */
    private static boolean chosen(String command, URI url) {
        List<String> words = new ArrayList<>(Arrays.asList(command.split("\\s+")));
        if (words.stream().anyMatch(w -> w.contains("%s"))) {
            words.replaceAll(w -> w.replace("%s", url.toString()));
        } else {
            words.add(url.toString());
        }
        try {
            Process p = new ProcessBuilder(words).inheritIO().start();
            return !p.waitFor(3, TimeUnit.SECONDS) || p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
