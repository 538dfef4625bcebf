package io.sluice.protocol.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A tagged field (flexible versions only): written in the struct's tagged-field section under {@code tag},
 * and only when its value differs from its default.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Tagged {
    int tag();

    String versions();
}
