package saml2nats.saml;

import java.util.function.Function;

/**
 * A named rule over a parsed Response. The name is written here once: the rule returns a
 * nameless {@link Result} and the check names the step. Replace a default by name to
 * customise (as {@code saml inspect} does) and call its {@link Checks} method inside.
 */
record Check(String name, Function<Evaluation, Check.Result> rule) {

    /** What a rule found: its verdict, the error code when it failed, and what to tell the person. */
    record Result(Step.Status status, SamlError code, String message) {
        static Result pass(String message) {
            return new Result(Step.Status.PASS, null, message);
        }

        static Result fail(SamlError code, String message) {
            return new Result(Step.Status.FAIL, code, message);
        }

        static Result skip(String message) {
            return new Result(Step.Status.SKIP, null, message);
        }

        boolean failed() {
            return status == Step.Status.FAIL;
        }
    }

    Step apply(Evaluation e) {
        Result r = rule.apply(e);
        return new Step(name, r.status(), r.code(), r.message());
    }
}
