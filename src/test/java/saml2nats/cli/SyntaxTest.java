package saml2nats.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The synopsis is the declaration: what it shows is what the parser takes, no more. */
class SyntaxTest {
    @Test
    void readsValuesFlagsBareArgumentsAndWhatIsRequiredFromTheSynopsis() {
        Syntax keys = Syntax.of("keys init", "[DIR] [--operator DIR [--accounts DEV,OPS]] [--force | --dry-run]", "d");
        assertEquals(Map.of("--operator", "DIR", "--accounts", "DEV,OPS", "--force", "", "--dry-run", ""), keys.options());
        assertEquals(Map.of("DIR", false), keys.bare());
        assertEquals(Set.of(), keys.required());

        Syntax inspect = Syntax.of("saml inspect", "FILE --config CFG [--acs URL --sp-entity-id ID]", "d");
        assertEquals(List.of("--config", "--acs", "--sp-entity-id"), List.copyOf(inspect.options().keySet()));
        assertEquals(Map.of("FILE", true), inspect.bare());
        assertEquals(Set.of("--config"), inspect.required());
    }

    @Test
    void takesBothFormsOfAValueAndRefusesAValueOnAFlag() {
        Syntax login = Syntax.of("login", "[--url URL] [--device]", "d");
        Syntax.Args a = assertInstanceOf(Syntax.Args.class, login.parse(List.of("--url=http://x", "--device")));
        assertEquals("http://x", a.value("--url").orElseThrow());
        assertEquals(true, a.flag("--device"));
        assertEquals("--device takes no value", assertInstanceOf(Syntax.Wrong.class,
                login.parse(List.of("--device=yes"))).problem());
        assertEquals("unknown option '-x' for login; known: --url, --device", assertInstanceOf(Syntax.Wrong.class,
                login.parse(List.of("-x"))).problem());
        assertInstanceOf(Syntax.Help.class, login.parse(List.of("--url", "http://x", "-h")));
    }
}
