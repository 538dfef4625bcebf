/**
 * Helpers of {@code bin/quickstart.sh}. {@link io.sluice.cli.quickstart.DemoTopicCommand} creates the demo topic
 * with Kafka's CreateTopics over {@link io.sluice.client.network.NetworkClient} and waits until every partition
 * has a leader. It stands in until {@code create-topic.sh} exists on Sluice's Java client (issue 8).
 *
 * <p>Allowed imports: {@code io.sluice.cli.common}, {@code io.sluice.client.network}, {@code io.sluice.protocol},
 * {@code io.sluice.common}, picocli.
 */
package io.sluice.cli.quickstart;
