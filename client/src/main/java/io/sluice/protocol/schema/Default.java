package io.sluice.protocol.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a field takes when it is not on the wire in the version being read, and the value a tagged
 * field must differ from to be written. Text form: a number, {@code true}/{@code false}, {@code null}, or a
 * string. Without it the default is the type's zero: 0, false, "", an empty list, a default struct, no bytes.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Default {
    String value();
}
