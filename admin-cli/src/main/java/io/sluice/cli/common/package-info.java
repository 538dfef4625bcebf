/**
 * The base every tool behind {@code bin/*.sh} is built on: {@link io.sluice.cli.common.ToolRunner} (parsing with
 * picocli, one-line errors, exit codes, {@code --verbose}), {@link io.sluice.cli.common.ToolCommand} (what a tool
 * extends), {@link io.sluice.cli.common.ExitCodes} and {@link io.sluice.cli.common.TextTable}.
 *
 * <p>Allowed imports: picocli, Log4j2, {@code io.sluice.common}, {@code io.sluice.coordinator.zk} (to recognise
 * ZooKeeper connection failures). Tool families ({@code io.sluice.cli.zk}, ...) import this package, never the
 * other way round.
 */
package io.sluice.cli.common;
