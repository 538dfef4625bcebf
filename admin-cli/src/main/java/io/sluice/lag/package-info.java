/**
 * The consumer-lag monitor ({@code bin/lag-monitor.sh}): reads committed and log-end offsets of every consumer
 * group itself ({@link io.sluice.lag.OffsetsSource}), keeps per group partition a window of commits
 * ({@link io.sluice.lag.CommitWindow}, {@link io.sluice.lag.ClusterState}), evaluates them with Burrow's rules
 * ({@link io.sluice.lag.LagEvaluator}) and serves Burrow's v3 HTTP API, Prometheus metrics and a web page
 * ({@link io.sluice.lag.BurrowApi}, {@link io.sluice.lag.LagHttpServer}).
 */
package io.sluice.lag;
