package io.vaeanomaly.serde;

/**
 * Thrown inside the readers to abandon a record; {@link EventParser} turns it into a
 * {@link ParseFailure}. No stack trace: bad records can be frequent and this is control flow.
 */
final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    final ParseFailure.Kind kind;
    final String field;

    BadInput(ParseFailure.Kind kind, String field, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
        this.field = field;
    }
}
