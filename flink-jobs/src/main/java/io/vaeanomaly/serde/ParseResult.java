package io.vaeanomaly.serde;

/**
 * What {@link EventParser#parse} returns: an {@link Event} or a {@link ParseFailure}.
 *
 * <pre>{@code
 * ParseResult r = parser.parse(record);
 * if (r instanceof Event e) { ... } else if (r instanceof ParseFailure f) { ... }
 * }</pre>
 */
public sealed interface ParseResult permits Event, ParseFailure {}
