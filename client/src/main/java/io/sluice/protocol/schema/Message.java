package io.sluice.protocol.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a top-level request or response record: its API key, its version range and its flexible versions. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Message {
    int apiKey();

    String versions();

    /** "none", or "N+": from version N on, compact encodings and tagged-field sections. */
    String flexibleVersions();
}
