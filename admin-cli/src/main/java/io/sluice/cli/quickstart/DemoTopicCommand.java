package io.sluice.cli.quickstart;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.client.network.NetworkClient;
import io.sluice.common.ApiException;
import io.sluice.common.Errors;
import io.sluice.common.Node;
import io.sluice.common.Uuid;
import io.sluice.protocol.message.CreateTopicsRequest;
import io.sluice.protocol.message.CreateTopicsResponse;
import io.sluice.protocol.message.MetadataRequest;
import io.sluice.protocol.message.MetadataResponse;
import io.sluice.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Creates a topic through a broker (CreateTopics; an existing topic is fine) and waits until the broker's metadata
 * shows a leader for every partition. A cluster that is still starting (fewer live brokers than the replication
 * factor, no controller yet) is retried until {@code --timeout-ms}. Used by {@code bin/quickstart.sh}.
 */
@Command(name = "quickstart-topic", sortOptions = false,
    description = "Creates a topic if it does not exist and waits until every partition has a leader.")
public final class DemoTopicCommand extends ToolCommand {
    private static final long RETRY_PAUSE_MS = 250;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT[,HOST:PORT]",
        description = "REQUIRED: brokers to connect to.")
    String bootstrapServer;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "REQUIRED: the topic.")
    String topic;

    @Option(names = "--partitions", defaultValue = "6", paramLabel = "N", description = "Partitions (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "3", paramLabel = "R",
        description = "Replication factor (default ${DEFAULT-VALUE}).")
    short replicationFactor;

    @Option(names = "--timeout-ms", defaultValue = "60000", paramLabel = "MS",
        description = "How long to keep trying (default ${DEFAULT-VALUE} ms).")
    int timeoutMs;

    public static void main(String[] args) {
        ToolRunner.main(new DemoTopicCommand(), args);
    }

    @Override
    protected int execute() throws Exception {
        if (partitions < 1 || replicationFactor < 1 || timeoutMs < 1) {
            throw usageError("--partitions, --replication-factor and --timeout-ms must be > 0");
        }
        List<Node> brokers = parseBootstrap(bootstrapServer);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        String lastProblem = "no attempt yet";
        boolean created = false;
        try (NetworkClient client = new NetworkClient(NetworkClient.Settings.defaults("sluice-quickstart"))) {
            while (System.nanoTime() - deadline < 0) {
                for (Node broker : brokers) {
                    try {
                        if (!created) {
                            Errors error = create(client, broker);
                            if (error == Errors.NONE) {
                                out().println("Created topic " + topic + ".");
                            } else if (error == Errors.TOPIC_ALREADY_EXISTS) {
                                out().println("Topic " + topic + " already exists.");
                            } else if (error == Errors.INVALID_REPLICATION_FACTOR || error.retriable()) {
                                lastProblem = "CreateTopics answered " + error + " (the cluster may still be starting)";
                                continue;
                            } else {
                                throw ToolException.failed("Could not create topic " + topic + ": " + error);
                            }
                            created = true;
                        }
                        String problem = leaderlessPartitions(client, broker);
                        if (problem.isEmpty()) {
                            out().flush();
                            return ExitCodes.OK;
                        }
                        lastProblem = problem;
                    } catch (ApiException e) {
                        lastProblem = broker.address() + ": " + e.getMessage();
                    }
                }
                Thread.sleep(RETRY_PAUSE_MS);
            }
        }
        throw ToolException.failed("Topic " + topic + " was not ready within " + timeoutMs + " ms: " + lastProblem);
    }

    /** Sends {@code request} to {@code broker} and waits; a failed exchange throws its {@link ApiException}. */
    private static <R extends ApiMessage> R call(NetworkClient client, Node broker, ApiMessage request)
            throws InterruptedException {
        try {
            return client.<R>send(broker, request).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ApiException api ? api
                : new ApiException(Errors.NETWORK_EXCEPTION, String.valueOf(e.getCause()), e.getCause());
        }
    }

    private Errors create(NetworkClient client, Node broker) throws InterruptedException {
        CreateTopicsResponse response = call(client, broker, new CreateTopicsRequest(List.of(new CreateTopicsRequest.Topic(
            topic, partitions, replicationFactor, List.of(), List.of())), 30_000, false));
        return response.topics().stream().filter(t -> topic.equals(t.name())).findFirst()
            .map(t -> Errors.forCode(t.errorCode())).orElse(Errors.UNKNOWN_SERVER_ERROR);
    }

    /** Empty if the topic has all its partitions, each with a leader; otherwise what is missing. */
    private String leaderlessPartitions(NetworkClient client, Node broker) throws InterruptedException {
        MetadataResponse response = call(client, broker, new MetadataRequest(
            List.of(new MetadataRequest.Topic(Uuid.ZERO, topic)), false, false, false));
        for (MetadataResponse.Topic t : response.topics()) {
            if (!topic.equals(t.name())) {
                continue;
            }
            if (t.errorCode() != Errors.NONE.code()) {
                return "Metadata for " + topic + " answered " + Errors.forCode(t.errorCode());
            }
            long led = t.partitions().stream().filter(p -> p.leaderId() >= 0).count();
            return led == partitions ? "" : led + " of " + partitions + " partitions of " + topic + " have a leader";
        }
        return "Metadata does not list " + topic + " yet";
    }

    private List<Node> parseBootstrap(String value) {
        List<Node> out = new ArrayList<>();
        for (String hostPort : value.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String port = colon < 0 ? "" : hostPort.substring(colon + 1).strip();
            if (colon <= 0 || !port.matches("[0-9]{1,5}")) {
                throw usageError("Invalid --bootstrap-server '" + value + "': '" + hostPort + "' is not host:port");
            }
            out.add(new Node(-1 - out.size(), hostPort.substring(0, colon).strip(), Integer.parseInt(port)));
        }
        return out;
    }
}
