package io.sluice.protocol.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The versions in which a field is on the wire, as a {@link VersionRange} text ("3+", "1-7", "4").
 * A field without this annotation exists in every version in which its enclosing struct exists.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Versions {
    String value();
}
