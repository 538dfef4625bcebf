/**
 * The programs behind {@code bin/*.sh}. Each tool parses its flags (named as in Kafka's tools), prints one
 * clear line and exits non-zero on bad input, and shows a stack trace only with {@code --verbose}.
 */
package io.sluice.cli;
