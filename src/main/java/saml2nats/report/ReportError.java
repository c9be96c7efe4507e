package saml2nats.report;

/**
 * Why a line of the audit log given to {@code saml2nats report} was skipped. The report names
 * the line and goes on with the rest: one torn write or a stray log line must not hide a year.
 */
enum ReportError {
    /** The line is not a JSON object (a torn write, a log line mixed in, another program's output). */
    NOT_JSON,
    /** JSON, but without the {@code time} and {@code action} every saml2nats audit line has. */
    NOT_AN_AUDIT_LINE,
    /** Its {@code time} is not an ISO-8601 instant such as {@code 2026-12-03T12:03:00Z}. */
    BAD_TIME
}
